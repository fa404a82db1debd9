"""After the reveal: how each belief moved over the clue stream, which long-ago clue decided it, the scores."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Static

from game.campaign import RUNGS, CampaignStep
from game.cases import CaseRef
from game.match import Match
from game.saves import Options
from game.scoring import SOLVE, WRONG, Score
from game.screens.choices import CampaignChosen, CaseChosen
from game.widgets import NBSP, Hanging, component_style, culprit_chart, whole
from model.verdicts import named_suspect
from story.oracle import Clearance

MEMORY_STYLES = ("partner", "rival", "true", "false")  # debrief--* component classes, styled in whodunit.tcss


class DebriefScreen(Screen):
    """How the case went: the verdict and scores, how each reader's belief in the culprit moved, what decided it,
    and what each reader remembered; the readers' colours are component classes, styled in whodunit.tcss."""

    COMPONENT_CLASSES = {f"debrief--{name}" for name in MEMORY_STYLES}
    BINDINGS = [
        Binding("n", "next_in_campaign", "Campaign: next case"),  # in the footer after a campaign's case only
        Binding("p", "play_again", "Play again"),
        Binding("c", "choose", "Another case"),
        Binding("q,escape", "app.quit", "Quit"),
    ]

    def __init__(self, match: Match, case: CaseRef, options: Options, climbed: CampaignStep | None = None) -> None:
        super().__init__()
        self.match, self.case, self.options = match, case, options
        self.climbed = climbed  # the campaign's step, when this case was one of its rungs

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="debrief"):
            yield Static(self.verdict(), id="verdict")
            if self.climbed is not None:
                yield Static(campaign_text(self.climbed), id="campaign")
            yield Static(id="chart")
            yield Static(self.explanation(), id="explanation")
            with Horizontal(id="debrief-buttons"):
                if self.climbed is not None:
                    yield Button("Campaign: next case (n)", id="next", variant="success")
                yield Button("Play again (p)", id="again", variant="primary")
                yield Button("Another case (c)", id="choose")
                yield Button("Quit (q)", id="quit")
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The campaign's next case is offered (and shown in the footer) only after one of its cases."""
        return self.climbed is not None if action == "next_in_campaign" else True

    def on_mount(self) -> None:
        self.title = f"Debrief: {self.match.story.title}"
        self.draw_chart()

    def on_resize(self) -> None:
        self.draw_chart()

    def draw_chart(self) -> None:
        match = self.match
        curves = match.culprit_curves()
        ends = [end for end in match.word_clue_ends() if end <= match.position]
        per_clue = {name: [float(values[end - 1]) for end in ends] for name, values in curves.items()}
        decided = match.analysis.decided_at
        decided = decided if decided is not None and decided < len(ends) else None
        lost = match.rival_lost_it()
        lost = lost if lost is not None and lost < len(ends) else None
        chart = Text("Probability on the true culprit after each clue\n", style="bold")
        chart.append_text(culprit_chart(per_clue, decided, lost, max(self.size.width - 6, 40)))
        legend = []  # only what the chart shows: a case closed before its proof has no deciding clue in it
        if decided is not None:
            legend.append(("│ yellow: the clue that decided the case", "yellow"))
        if lost is not None:
            legend.append(("│ red: where the rival lost it", "red"))
        for index, (line, style) in enumerate(legend):
            chart.append("   " if index else "\n  ")
            chart.append(line, style=style)
        self.query_one("#chart", Static).update(chart)

    def verdict(self) -> Text:
        match = self.match
        culprit = match.story.suspects[match.story.culprit]
        text = Text()
        if match.player_solved:
            text.append(f"Solved: {culprit.name}, the {culprit.role}, did it.\n", style="bold green")
            race = "You beat the rival to it." if match.won_race else "The rival got there first."
            text.append(race + "\n")
        else:
            text.append(f"Unsolved: it was {culprit.name}, the {culprit.role}.\n", style="bold red")
        text.append(f"Your score {match.score.total}", style="bold")
        text.append(f"  ({itemised(match.score)})\n", style="dim")
        text.append(f"The rival's {match.rival_score.total}", style="bold")
        text.append(f"  ({itemised(match.rival_score)})\n\n", style="dim")
        for accusation in match.accusations:
            who = "You" if accusation.by == "player" else "The rival"
            name = match.story.suspects[accusation.suspect].name
            verdict = "right" if accusation.correct else "wrong"
            text.append(f"  {who} named {name} {match.moment(accusation.at)}: {verdict}\n", style="dim")
        text.append("\n" + " ".join(match.story.reveal.split()) + "\n")
        return text

    def explanation(self) -> Group:
        """What each reader remembered, then what decided the case: each bullet and each reader's memories wrapped
        under their own text, not at the left edge."""
        match = self.match
        analysis, story = match.analysis, match.story
        rows = memories_rows(match, {name: component_style(self, f"debrief--{name}") for name in MEMORY_STYLES})
        rows.append(Text("\nWhat decided it", style="bold"))
        if analysis.decided_at is None:
            rows.append(Text("The clues never narrowed it to one suspect."))
            return Group(*rows, Text())  # a blank line before the buttons
        culprit = story.suspects[story.culprit].name
        proved_later = analysis.decided_at >= match.clues_told  # the case closed before its proof was told
        if proved_later:
            rows.append(
                Text(
                    f"You named {culprit} {match.moment(match.position)}, before the clues proved it: only after "
                    f"clue {analysis.decided_at + 1}, which the readers never heard, was {culprit} the one left:"
                )
            )
        else:
            rows.append(Text(f"After clue {analysis.decided_at + 1}, only {culprit} was left:"))
        rows += [bullet(clearance.explain(story)) for clearance in analysis.deciding]
        earlier = earlier_clearances(match)
        if earlier:  # the rest of the list a reader had to keep: who was out before the last of them went
            rows.append(Text("  and before that:", style="dim"))
        rows += [bullet(clearance.explain(story), style="dim") for clearance in earlier]
        distance = analysis.memory_distance
        if distance and not proved_later:
            partner_right = named_suspect(match.partner.belief) == story.culprit
            rival_right = match.rival_pick() == story.culprit
            said = f"To see it, a reader had to remember a clue {distance} words back. "
            if partner_right and not rival_right:
                said += (
                    "Your partner (an LSTM) kept that fact in its cell state; the rival's plain RNN rewrites its "
                    "whole memory at every word, and it faded."
                )
            elif partner_right:
                # both end on the culprit; whether the rival kept the clue or came to it another way, its bars
                # cannot say (it may still misremember a trait, as the memories above show)
                said += "Both readers end on the culprit this time."
            elif rival_right:
                said += "The rival held on to it; your partner did not, and misread the case."
            else:
                said += "Neither reader held on to it: both end the story on the wrong suspect or on nobody."
            rows.append(Text(said, style="italic"))
        return Group(*rows, Text())

    @on(Button.Pressed, "#again")
    def action_play_again(self) -> None:
        """The same case from its first word, with the same options."""
        self.post_message(CaseChosen(self.case, self.options))

    @on(Button.Pressed, "#next")
    def action_next_in_campaign(self) -> None:
        if self.climbed is not None:
            self.post_message(CampaignChosen())

    @on(Button.Pressed, "#choose")
    def action_choose(self) -> None:
        self.app.pop_screen()  # the start screen lies beneath

    @on(Button.Pressed, "#quit")
    def quit_pressed(self) -> None:
        self.app.exit()


def earlier_clearances(match: Match) -> list[Clearance]:
    """Everyone cleared by the deciding clue's end other than by it, in the order they went out: with the
    deciding clearances, the whole list that left the culprit alone."""
    analysis = match.analysis
    if analysis.decided_at is None:
        return []
    deciding = {clearance.suspect for clearance in analysis.deciding}
    cleared = [
        clearance
        for clearance in analysis.steps[analysis.decided_at].cleared
        if clearance is not None and clearance.suspect not in deciding
    ]
    return sorted(cleared, key=lambda clearance: (clearance.clue, clearance.suspect))


def itemised(score: Score) -> str:
    """Where a score's points came from, in the words of the rules (game.scoring)."""
    parts = []
    if score.solve:
        parts.append(f"{'proved' if score.solve == SOLVE else 'guessed'} {score.solve}")
    if score.speed:
        parts.append(f"speed {score.speed}")
    if score.race:
        parts.append(f"first {score.race}")
    if score.bonus and score.won:
        parts.append(f"modes +{score.bonus:.0%}")
    if score.wrong:
        parts.append(f"{score.wrong} wrong -{WRONG * score.wrong}")
    return ", ".join(parts) or "nothing"


def campaign_text(step: CampaignStep) -> Text:
    """What this case did for the climb, and what comes next."""
    rung, progress = RUNGS[step.rung], step.progress
    text = Text(f"Campaign, rung {step.rung + 1} of {len(RUNGS)}: {rung.title}. ", style="bold")
    if not step.solved:
        text.append("Not solved: the next case (n) is another one of this rung.")
    elif progress.finished:
        text.append("Passed: you have climbed the whole ladder. n plays another case of the top rung.")
    else:
        following = RUNGS[progress.rung]
        text.append(f"Passed. Next (n): rung {progress.rung + 1}, {following.title}. ")
        text.append(following.teaches, style="italic")
    return text


def bullet(line: str, style: str = "") -> Hanging:
    """ "  · " then `line`, wrapped under its first word."""
    return Hanging(Text("  · ", style=style), Text(line, style=style), fallback=2)


def memories_rows(match: Match, styles: dict[str, Style]) -> list[RenderableType]:
    """What each reader held about each suspect at the end, every memory marked true or false against the clues
    and wrapped under the first (a memory and its mark kept on one line); `styles` by MEMORY_STYLES."""
    rows: list[RenderableType] = [Text("\nWhat they remembered at the end", style="bold")]
    for slot, suspect in enumerate(match.story.suspects):
        for detective, style in ((match.partner, styles["partner"]), (match.rival, styles["rival"])):
            checked = match.checked_memories(detective, slot)
            if not checked:
                continue
            memories = Text()
            for index, (phrase, true) in enumerate(checked):
                memories.append(", " if index else "")
                memories.append(whole(phrase))
                mark = "✓" if true else "✗ never said"
                memories.append(NBSP + whole(mark), style=styles["true" if true else "false"])
            rows.append(Hanging(Text(f"  {suspect.name}, by the {detective.name}: ", style=style), memories, 4))
    if len(rows) == 1:
        rows.append(Text("  Neither reader held any trait with confidence.", style="dim"))
    return rows
