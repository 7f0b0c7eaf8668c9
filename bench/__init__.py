"""`make bench` (`python -m bench`): speed and memory at scale, outside the runtime package."""
