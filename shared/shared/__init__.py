"""What every Jishi service uses: settings, database, messaging, money and the working-day calendar."""
