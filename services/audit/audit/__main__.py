from audit.main import create_app
from audit.settings import AuditSettings
from shared.cli import service_main


def main() -> None:
    service_main(AuditSettings, create_app, "audit")


if __name__ == "__main__":
    main()
