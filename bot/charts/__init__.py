"""What charts show, as data (bot.replies.Chart): the points and labels of a rivalry or a race.

Drawing them is the composition root's business (racebot/charts, in a worker process): bot/
imports no plotting library.
"""
