from bank_gateway.main import create_app
from bank_gateway.settings import BankGatewaySettings
from shared.cli import service_main


def main() -> None:
    service_main(BankGatewaySettings, create_app, "bank_gateway")


if __name__ == "__main__":
    main()
