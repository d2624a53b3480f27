"""The language server for story files (`mar-a-lago lsp`): a front end for editors."""
