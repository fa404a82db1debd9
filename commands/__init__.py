"""The `whodunit` command line: one module per subcommand, each with `add_parser` and `run`, wired by cli.py.

The game (the Textual app and its rules) lives in game/, the readers in model/, the story engine in story/; the
commands only read their arguments, call those, and print. Each imports what it needs when it runs, so that
`play`, `check` and `eval` never wait on torch.
"""
