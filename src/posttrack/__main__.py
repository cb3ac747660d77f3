from posttrack.cli import run

run()
