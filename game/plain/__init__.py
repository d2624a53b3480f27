"""Line mode (`play --plain`): for screen readers, pipes and scripts. No Textual here."""
