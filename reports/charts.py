"""Accessible bar charts, drawn on the server as SVG: no script, no CDN. A chart is a
picture of the table beside it; its bars carry their figures as the table writes them, and
the chart names itself for screen readers, which read the table."""

from dataclasses import dataclass

WIDTH = 640
LABEL_WIDTH = 220
BAR_HEIGHT = 22
GAP = 10
VALUE_ROOM = 70  # right of the longest bar, for its figure


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the figure as the table shows it ("<5" where suppressed)
    x: float
    y: float
    width: float
    text_x: float
    below_target: bool


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    height: int
    target_x: float | None
    target_label: str
    zero_x: float | None = None  # where zero is, when some bars are negative
    width: int = WIDTH


def bar_chart(
    title: str,
    values: list[tuple[str, float | None] | tuple[str, float | None, str]],
    *,
    target: float | None = None,
) -> BarChart:
    """Horizontal bars, one for each (label, value[, text]); a value of None draws no bar.
    Negative values grow left of a zero line. With a target, bars below it are marked and
    a line shows it."""
    drawn = [v[1] for v in values if v[1] is not None]
    top = max([*drawn, target or 0, 1])
    bottom = min([*drawn, 0])
    scale = (WIDTH - LABEL_WIDTH - VALUE_ROOM - 10) / (top - bottom)
    zero = LABEL_WIDTH + 10 - bottom * scale if bottom < 0 else LABEL_WIDTH
    bars = []
    for index, item in enumerate(values):
        label, value = item[0], item[1]
        text = item[2] if len(item) > 2 else ("" if value is None else f"{value:g}")
        width = abs(value or 0) * scale
        left = zero - width if (value or 0) < 0 else zero
        y = GAP + index * (BAR_HEIGHT + GAP)
        bars.append(
            Bar(
                label=label,
                value=value if value is not None else 0,
                text=text,
                x=round(left, 1),
                y=y,
                width=round(width, 1),
                text_x=round(max(left + width, zero) + 6, 1),
                below_target=target is not None and value is not None and value < target,
            )
        )
    height = GAP + len(values) * (BAR_HEIGHT + GAP) + 24
    target_x = round(zero + target * scale, 1) if target is not None else None
    return BarChart(
        title=title,
        bars=bars,
        height=height,
        target_x=target_x,
        target_label=f"Target {target:g}" if target is not None else "",
        zero_x=round(zero, 1) if bottom < 0 else None,
    )
