from csops.cli.app import main

main()
