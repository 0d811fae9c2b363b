"""Slack adapter. Importing the package is cheap: slack_bolt loads with `adapter`."""
