from bank_simulator.main import create_app
from bank_simulator.settings import BankSimulatorSettings
from shared.cli import service_main


def main() -> None:
    service_main(BankSimulatorSettings, create_app, "bank_simulator")


if __name__ == "__main__":
    main()
