"""The story format: TOML files -> a `Story`, with every problem located at file:line."""
