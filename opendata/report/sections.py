"""The report's sections as both documents show them: a title, a one-line reading computed from
the numbers, a table (its cells as numbers, a hidden one as None) and the chart's data. The PDF
draws the chart with pygal (core.charts), the XLSX with openpyxl's own charts."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.numbers import number
from opendata.report.cells import chart_value, is_hidden, shown


@dataclass
class Table:
    caption: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)  # first cell the label
    total: list | None = None
    # How each column after the label reads: "count" (of persons: None is a hidden cell),
    # "value" (None: no value), "d1"/"d2" (decimals), "signed" (a change). Default: counts.
    formats: tuple[str, ...] = ()

    def format_of(self, column: int) -> str:
        if column == 0:
            return "text"
        return self.formats[column - 1] if column - 1 < len(self.formats) else "count"

    def printed(self, row: list) -> list[str]:
        return [display(value, self.format_of(i)) for i, value in enumerate(row)]

    @property
    def printed_rows(self) -> list[list[str]]:
        return [self.printed(row) for row in self.rows]

    @property
    def printed_total(self) -> list[str] | None:
        return self.printed(self.total) if self.total else None


@dataclass
class Section:
    key: str
    sheet: str  # the XLSX sheet's name (at most 31 characters)
    title: str
    reading: str
    tables: list[Table]
    chart_title: str = ""
    chart_labels: list[str] = field(default_factory=list)
    chart_series: list[tuple[str, list]] = field(default_factory=list)


DECIMALS = {"d1": 1, "d2": 2}


def display(value, kind: str = "count") -> str:
    """A cell as printed: "<5" for a hidden count, "–" for no value, else the number in the
    language's style."""
    if is_hidden(value):
        return str(shown(value)) if kind == "count" else "–"
    if kind == "signed" and isinstance(value, int):
        return f"+{number(value)}" if value > 0 else number(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number(value, DECIMALS.get(kind))
    return str(value)


def sections(figures: dict) -> list[Section]:
    return [
        staffing_section(figures["staffing"]),
        recruitment_section(figures["recruitment"]),
        training_section(figures["training"]),
        performance_section(figures["performance"]),
        ikm_section(figures["ikm"]),
        answers_section(figures["answers"]),
    ]


# --- staffing -------------------------------------------------------------------------------


def staffing_reading(data: dict) -> str:
    if not data["total"]:
        return _("No staffing needs have been published yet.")
    total = data["total"]
    worst = max(data["by_kelurahan"], key=lambda r: (r["shortage"], r["label"]), default=None)
    if worst is None or worst["shortage"] <= 0:
        line = _("No kelurahan is short of staff.")
    else:
        line = ngettext(
            "The largest shortage is in Kelurahan %(name)s: %(count)s position short.",
            "The largest shortage is in Kelurahan %(name)s: %(count)s positions short.",
            worst["shortage"],
        ) % {"name": worst["label"], "count": number(worst["shortage"])}
    if total["change"] is None:
        return (
            line
            + " "
            + _("In all %(count)s positions short.") % {"count": number(total["shortage"])}
        )
    if total["change"] == 0:
        change = _("In all %(count)s positions short, as in the previous report.")
    elif total["change"] > 0:
        change = _("In all %(count)s positions short, %(change)s more than in the previous report.")
    else:
        change = _(
            "In all %(count)s positions short, %(change)s fewer than in the previous report."
        )
    return (
        line
        + " "
        + change % {"count": number(total["shortage"]), "change": number(abs(total["change"]))}
    )


STAFFING_FORMATS = ("value", "value", "value", "value", "signed")


def staffing_section(data: dict) -> Section:
    columns = [
        _("Required (ABK)"),
        _("Current staff"),
        _("Shortage"),
        _("Surplus"),
        _("Change in shortage"),
    ]

    def row(r):
        return [r["label"], r["required"], r["current"], r["shortage"], r["surplus"], r["change"]]

    total = data["total"]
    kelurahan = data["by_kelurahan"]
    has_previous = any(r["previous_shortage"] is not None for r in kelurahan)
    series = [(_("Shortage now"), [r["shortage"] for r in kelurahan])]
    if has_previous:
        series.append((_("Previous report"), [r["previous_shortage"] for r in kelurahan]))
    return Section(
        key="staffing",
        sheet=_("Staffing"),
        title=_("Staffing gaps"),
        reading=staffing_reading(data),
        tables=[
            Table(
                caption=_("By kelurahan"),
                columns=[_("Kelurahan"), *columns],
                rows=[row(r) for r in kelurahan],
                total=row({**total, "label": _("Total")}) if total else None,
                formats=STAFFING_FORMATS,
            ),
            Table(
                caption=_("By sector"),
                columns=[_("Sector"), *columns],
                rows=[row(r) for r in data["by_sector"]],
                formats=STAFFING_FORMATS,
            ),
        ],
        chart_title=_("Positions short per kelurahan"),
        chart_labels=[r["label"] for r in kelurahan],
        chart_series=series,
    )


# --- recruitment ----------------------------------------------------------------------------


def recruitment_reading(data: dict) -> str:
    periods = data["periods"]
    if not periods:
        return _("No selection period was running.")
    quota = sum(p["quota"] for p in periods)
    if any(is_hidden(p[k]) for p in periods for k in ("finalised", "appointed")):
        return _(
            "%(quota)s places; too few applications to report without pointing to a person."
        ) % {"quota": number(quota)}
    finalised = sum(p["finalised"] for p in periods)
    appointed = sum(p["appointed"] for p in periods)
    line = _(
        "%(finalised)s finalised applications for %(quota)s places; %(appointed)s appointed."
    ) % {"finalised": number(finalised), "quota": number(quota), "appointed": number(appointed)}
    if data["monthly"]:
        month = sum(p.get("finalised_in_month", 0) for p in periods)
        line += " " + _("%(count)s of them finalised this month.") % {"count": number(month)}
    return line


def recruitment_section(data: dict) -> Section:
    people = [_("Finalised"), _("Eligible (MS)"), _("Not eligible (TMS)"), _("Appointed")]
    period_columns = [_("Selection period"), _("Formations"), _("Places"), *people]
    if data["monthly"]:
        period_columns.append(_("Finalised this month"))
    rows = []
    for p in data["periods"]:
        row = [p["label"], p["formations"], p["quota"]]
        row += [p["finalised"], p["eligible"], p["not_eligible"], p["appointed"]]
        if data["monthly"]:
            row.append(p["finalised_in_month"])
        rows.append(row)
    # A period's totals are not a unit's: shown, unless the period has a single formation.
    tables = [
        Table(
            caption=_("By selection period"),
            columns=period_columns,
            rows=rows,
            formats=("value", "value", "count", "count", "count", "count", "value"),
        )
    ]
    keys = ("finalised", "eligible", "not_eligible", "appointed")
    if data["formations"]:
        tables.append(
            Table(
                caption=_("By formation"),
                columns=[_("Formation"), _("Places"), *people],
                formats=("value", "count", "count", "count", "count"),
                rows=[[f["label"], f["quota"], *(f[k] for k in keys)] for f in data["formations"]],
            )
        )
        chart_rows = data["formations"]
    else:
        chart_rows = data["periods"]
    return Section(
        key="recruitment",
        sheet=_("Recruitment"),
        title=_("Recruitment progress and outcomes"),
        reading=recruitment_reading(data),
        tables=tables,
        chart_title=_("Places, finalised applications and appointments"),
        chart_labels=[r["label"] for r in chart_rows],
        chart_series=[
            (_("Places"), [chart_value(r["quota"]) for r in chart_rows]),
            (_("Finalised"), [chart_value(r["finalised"]) for r in chart_rows]),
            (_("Appointed"), [chart_value(r["appointed"]) for r in chart_rows]),
        ],
    )


# --- training -------------------------------------------------------------------------------


def training_reading(data: dict) -> str:
    total = data["total"]
    if is_hidden(total["total"]) or is_hidden(total["short"]):
        return _("Too few PNS staff to report without pointing to a person.")
    if not total["total"]:
        return _("No active PNS employee is on the register.")
    return _(
        "%(percent)s%% of PNS staff have reached the minimum of %(minimum)s JP in %(year)s; "
        "%(short)s are short of it, by %(missing)s JP in all."
    ) % {
        "percent": number(total["complete_percent"]),
        "minimum": number(data["minimum"]),
        "year": data["year"],
        "short": number(total["short"]),
        "missing": number(total["missing_jp"]),
    }


def training_section(data: dict) -> Section:
    rows = [[r["label"], r["total"], r["short"], r["missing_jp"]] for r in data["by_unit"]]
    total = data["total"]
    return Section(
        key="training",
        sheet=_("Training"),
        title=_("Training compliance (JP)"),
        reading=training_reading(data),
        tables=[
            Table(
                caption=_("By unit"),
                columns=[_("Unit"), _("PNS staff"), _("Short of the minimum"), _("JP missing")],
                rows=rows,
                total=[_("Total"), total["total"], total["short"], total["missing_jp"]],
                formats=("count", "count", "value"),
            )
        ],
        chart_title=_("PNS staff short of the minimum JP per unit"),
        chart_labels=[r["label"] for r in data["by_unit"]],
        chart_series=[
            (_("PNS staff"), [chart_value(r["total"]) for r in data["by_unit"]]),
            (_("Short of the minimum"), [chart_value(r["short"]) for r in data["by_unit"]]),
        ],
    )


# --- performance ----------------------------------------------------------------------------


def performance_reading(data: dict) -> str:
    if not data["checkpoint"]:
        return _("No performance review has been shared yet.")
    counts = data["total"]["counts"]
    if any(is_hidden(n) for n in counts):
        return _("%(checkpoint)s: too few reviews to report without pointing to a person.") % {
            "checkpoint": data["checkpoint"]
        }
    reviewed = sum(counts)
    good = sum(n for p, n in zip(data["predikat"], counts, strict=True) if p in GOOD)
    return _("%(checkpoint)s: %(percent)s%% of %(count)s reviews are Baik or Sangat Baik.") % {
        "checkpoint": data["checkpoint"],
        "percent": number(round(100 * good / reviewed)) if reviewed else "0",
        "count": number(reviewed),
    }


GOOD = ("sangat_baik", "baik")


def performance_section(data: dict) -> Section:
    labels = [data["labels"][p] for p in data["predikat"]]
    rows = [[u["label"], *u["counts"]] for u in data["by_unit"]]
    total = [_("Total"), *data["total"]["counts"]] if data["checkpoint"] else None
    return Section(
        key="performance",
        sheet=_("Performance"),
        title=_("Performance distribution (predikat)"),
        reading=performance_reading(data),
        tables=[
            Table(
                caption=_("By unit, no names"),
                columns=[_("Unit"), *labels],
                rows=rows,
                total=total,
            )
        ],
        chart_title=_("Reviews per predikat"),
        chart_labels=labels,
        chart_series=[(_("Reviews"), [chart_value(n) for n in total[1:]] if total else [])],
    )


# --- IKM and answer times -------------------------------------------------------------------


def ikm_reading(data: dict) -> str:
    shown_rows = [r for r in data["by_unit"] if r["value"] is not None]
    if not data["period"] or not shown_rows:
        return _("No IKM survey round has enough responses to report.")
    low = min(shown_rows, key=lambda r: (r["value"], r["label"]))
    high = max(shown_rows, key=lambda r: (r["value"], r["label"]))
    if low is high:
        return _("%(period)s: IKM %(value)s (%(unit)s).") % {
            "period": data["period"],
            "value": number(low["value"], 2),
            "unit": low["label"],
        }
    return _("%(period)s: IKM from %(low)s (%(low_unit)s) to %(high)s (%(high_unit)s).") % {
        "period": data["period"],
        "low": number(low["value"], 2),
        "low_unit": low["label"],
        "high": number(high["value"], 2),
        "high_unit": high["label"],
    }


def answers_reading(data: dict) -> str:
    timed = [r for r in data["by_sector"] if r["median_days"] is not None]
    if not timed:
        return _("No topic has an official answer yet.")
    fast = min(timed, key=lambda r: (r["median_days"], r["label"]))
    slow = max(timed, key=lambda r: (r["median_days"], r["label"]))
    if fast is slow:
        return _("Officials answer in %(days)s days (median) in %(sector)s.") % {
            "days": number(fast["median_days"], 1),
            "sector": fast["label"],
        }
    return _(
        "Officials answer fastest in %(fast)s (median %(fast_days)s days) and slowest in "
        "%(slow)s (%(slow_days)s days)."
    ) % {
        "fast": fast["label"],
        "fast_days": number(fast["median_days"], 1),
        "slow": slow["label"],
        "slow_days": number(slow["median_days"], 1),
    }


def ikm_section(data: dict) -> Section:
    return Section(
        key="ikm",
        sheet=_("IKM"),
        title=_("Public satisfaction (IKM)"),
        reading=ikm_reading(data),
        tables=[
            Table(
                caption=data["period"] or _("No survey round"),
                columns=[_("Unit"), _("Respondents"), _("IKM (25–100)"), _("Grade")],
                formats=("count", "d2", "value"),
                rows=[
                    [r["label"], r["respondents"], r["value"], r["grade"]] for r in data["by_unit"]
                ],
            )
        ],
        chart_title=_("IKM per unit"),
        chart_labels=[r["label"] for r in data["by_unit"]],
        chart_series=[(_("IKM"), [r["value"] for r in data["by_unit"]])],
    )


def answers_section(data: dict) -> Section:
    rows = data["by_sector"]
    return Section(
        key="answers",
        sheet=_("Answer times"),
        title=_("Official answers to residents"),
        reading=answers_reading(data),
        tables=[
            Table(
                caption=_("By sector"),
                columns=[_("Sector"), _("Topics"), _("Answered"), _("Median days to answer")],
                formats=("value", "value", "d1"),
                rows=[[r["label"], r["topics"], r["answered"], r["median_days"]] for r in rows],
            )
        ],
        chart_title=_("Median days to the first official answer"),
        chart_labels=[r["label"] for r in rows],
        chart_series=[(_("Median days"), [r["median_days"] for r in rows])],
    )
