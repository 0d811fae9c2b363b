"""Discord adapter. Importing the package is cheap: discord.py loads with `adapter`."""
