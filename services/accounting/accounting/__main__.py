from accounting.main import create_app
from accounting.settings import AccountingSettings
from shared.cli import service_main


def main() -> None:
    service_main(AccountingSettings, create_app, "accounting")


if __name__ == "__main__":
    main()
