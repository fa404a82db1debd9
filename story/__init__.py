"""The story engine: story files, their validator, the logic oracle and the case generator (pure Python)."""

from story.data import Alibi, AlibiBroken, Clue, Evidence, Fact, Retraction, Story, Suspect, TraitStated
from story.loader import CheckedStory, check_file, check_text, load_story, parse_story
from story.oracle import Analysis, Clearance, Step, analyze
from story.problems import Problem, StoryError

__all__ = [
    "Alibi",
    "AlibiBroken",
    "Analysis",
    "CheckedStory",
    "Clearance",
    "Clue",
    "Evidence",
    "Fact",
    "Problem",
    "Retraction",
    "Step",
    "Story",
    "StoryError",
    "Suspect",
    "TraitStated",
    "analyze",
    "check_file",
    "check_text",
    "load_story",
    "parse_story",
]
