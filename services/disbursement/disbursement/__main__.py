from disbursement.main import create_app
from disbursement.settings import DisbursementSettings
from shared.cli import service_main


def main() -> None:
    service_main(DisbursementSettings, create_app, "disbursement")


if __name__ == "__main__":
    main()
