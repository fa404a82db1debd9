"""The game's screens: start, play, dialogs and debrief."""
