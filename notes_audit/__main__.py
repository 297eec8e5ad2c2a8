from notes_audit.cli.app import main

main()
