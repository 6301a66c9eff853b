complete --keep-order --exclusive --command aimcp --arguments "(COMPLETE=fish aimcp -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
