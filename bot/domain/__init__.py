"""The results domain: athletes, competitions, races and results (models), events (disciplines),
marks, which source's version is shown (precedence), and one race told as results (race_report)."""
