"""Finnish–Swedish language knowledge (word lexicon, polarity words)."""
