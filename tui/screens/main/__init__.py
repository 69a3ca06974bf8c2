"""The main screen, in parts: see :mod:`tui.screens.main.screen`."""

from tui.screens.main.screen import MainScreen
from tui.screens.main.window import columns_for_width

__all__ = ["MainScreen", "columns_for_width"]
