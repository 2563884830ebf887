from claims.main import create_app
from claims.settings import ClaimsSettings
from shared.cli import service_main


def main() -> None:
    service_main(ClaimsSettings, create_app, "claims")


if __name__ == "__main__":
    main()
