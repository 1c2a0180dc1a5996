"""`editions check`: the validators our outputs must pass, as a library and as a command."""
