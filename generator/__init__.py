"""Small-Cap Weekly: a static report site comparing US small caps with large caps, weekly."""

__version__ = "0.1.0"
