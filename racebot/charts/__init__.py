"""Drawing the core's charts (bot.replies.Chart) as PNG, in a worker process of their own.

`draw` holds the drawings (matplotlib, Agg) and runs only inside the worker (`worker`); the bot
talks to it through `client.ChartWorker`, so matplotlib never loads into the bot's own process.
"""
