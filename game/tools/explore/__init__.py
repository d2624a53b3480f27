"""What authors ask of a story: every state searched, and random play."""
