"""What every app shares and nothing else: the upload policy, intents, the personal-data registry."""
