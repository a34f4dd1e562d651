"""The employee register as a spreadsheet (django-import-export): the admin's import of CSV or
Excel files, with a preview, and the register's Excel export.

A file is checked all or nothing: every row is checked (the model's `full_clean`, so the NIP and
its cross-checks too) and one bad row means no row is applied, with each bad row reported.

Locks. The check (the preview, and again on confirm) writes nothing, so it holds no row lock
however long the file. Then the rows are written in batches of `EMPLOYEE_IMPORT_BATCH_ROWS`,
each batch in its own transaction: a row lock is held for one batch at most, so another
admin's import or an HR edit waits seconds, not minutes. The trade-off: a batch that fails
(only possible when the data changed between the check and that batch, e.g. a position deleted
meanwhile, or a NIP registered by someone else) leaves the earlier batches written. The admin
then says how many rows were imported; importing the same file again is safe, since a NIP
already registered updates its employee.

A file longer than `EMPLOYEE_IMPORT_BACKGROUND_ROWS` is written the same way (`check_file`, then
`import_batch` from the first row not yet written) by a Celery task: workforce/import_jobs.py.
"""

from collections import defaultdict
from datetime import date, datetime

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import resources, widgets
from import_export.fields import Field
from import_export.instance_loaders import CachedInstanceLoader
from import_export.results import Error

from workforce.models import Employee, Position, Unit
from workforce.services.employees import employee_fill_derived

COLUMNS = (
    "nip",
    "full_name",
    "gender",
    "birth_date",
    "asn_type",
    "unit",
    "position",
    "start_date",
    "status",
)
DATE_FORMAT = "%Y-%m-%d"


def _text(value) -> str:
    """A cell as text with its whitespace collapsed; empty cells are ""."""
    if value is None:
        return ""
    return " ".join(str(value).split())


def _is_blank(row) -> bool:
    return not any(_text(value) for value in row.values())


class ImportColumnsError(Exception):
    """The file's first row does not name the register's columns: nothing is read."""


class ImportFileError(Error):
    @property
    def traceback(self):
        # A wrong header is the user's to fix; a traceback would only hide the message.
        if isinstance(self.error, ImportColumnsError):
            return ""
        return super().traceback


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return _text(value)


class NipWidget(widgets.CharWidget):
    """NIPs are often written in groups ("19900517 201503 2 001"); an Excel number cell gives an
    int. Never raises: the instance loader cleans the NIP before a row is checked."""

    def clean(self, value, row=None, **kwargs):
        return "".join(_text(value).split())


class CodeWidget(widgets.CharWidget):
    """A choice code (M/F, PNS/PPPK, active...) in the case the model stores it; None when the
    cell is empty."""

    def __init__(self, *, upper: bool):
        super().__init__()
        self.upper = upper

    def clean(self, value, row=None, **kwargs):
        code = _text(value)
        if not code:
            return None
        return code.upper() if self.upper else code.lower()


class IsoDateWidget(widgets.DateWidget):
    """YYYY-MM-DD only: the library's default also reads 05/06/1990 the American way. Excel date
    cells arrive as datetimes and are taken as they are."""

    def __init__(self):
        super().__init__(format=DATE_FORMAT)

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = _text(value)
        if not text:
            return None
        try:
            return datetime.strptime(text, DATE_FORMAT).date()
        except ValueError:
            raise ValueError(
                _("“%(value)s” is not a date: write it as YYYY-MM-DD, for example 1990-05-17.")
                % {"value": text}
            ) from None


class _Names:
    """Units and positions by name, read once per import instead of once per row. A name matches
    exactly, or else ignoring case when only one name fits."""

    def __init__(self):
        self._units = _by_name(Unit.objects.order_by().only("pk", "name"))
        by_unit = defaultdict(list)
        for position in Position.objects.order_by().select_related("unit"):
            by_unit[position.unit_id].append(position)
        self._positions = {unit_pk: _by_name(items) for unit_pk, items in by_unit.items()}

    def unit(self, name: str) -> Unit | None:
        return _find(self._units, name)

    def position(self, unit: Unit, name: str) -> Position | None:
        return _find(self._positions.get(unit.pk, {}), name)


def _by_name(objects) -> dict:
    index = defaultdict(list)
    for obj in objects:
        index[_text(obj.name).casefold()].append(obj)
    return index


def _find(index, name: str):
    candidates = index.get(name.casefold(), [])
    exact = [obj for obj in candidates if _text(obj.name) == name]
    if exact:
        return exact[0]
    return candidates[0] if len(candidates) == 1 else None


class EmployeeResource(resources.ModelResource):
    """One row per employee, found by NIP: a NIP already in the register updates that employee.

    Unit and position are names; together they pick the position, so `import_instance` resolves
    them as a pair (with the error on the right column) and the library only exports them.
    `validate_instance` fills the projected retirement date (`employee_fill_derived`) and runs
    `full_clean()` before the library saves a row.
    """

    nip = Field(attribute="nip", column_name="nip", widget=NipWidget())
    full_name = Field(attribute="full_name", column_name="full_name", widget=TextWidget())
    gender = Field(attribute="gender", column_name="gender", widget=CodeWidget(upper=True))
    birth_date = Field(attribute="birth_date", column_name="birth_date", widget=IsoDateWidget())
    asn_type = Field(attribute="asn_type", column_name="asn_type", widget=CodeWidget(upper=True))
    unit = Field(attribute="position__unit__name", column_name="unit", readonly=True)
    position = Field(attribute="position__name", column_name="position", readonly=True)
    start_date = Field(attribute="start_date", column_name="start_date", widget=IsoDateWidget())
    # An empty status keeps the current one (a new employee's: active).
    status = Field(
        attribute="status",
        column_name="status",
        widget=CodeWidget(upper=False),
        saves_null_values=False,
    )

    class Meta:
        model = Employee
        fields = COLUMNS
        import_id_fields = ("nip",)
        instance_loader_class = CachedInstanceLoader
        clean_model_instances = True
        # All or nothing even if IMPORT_EXPORT_USE_TRANSACTIONS is ever turned off.
        use_transactions = True
        # Blank lines (Excel keeps some below the data) are skipped silently.
        report_skipped = False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._names = None
        self._nip_rows = {}

    @classmethod
    def get_error_result_class(cls):
        return ImportFileError

    def get_queryset(self):
        return Employee.objects.select_related("position__unit")

    # --- the whole file ----------------------------------------------------------------------

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        **kwargs,
    ):
        """Refuses a file whose columns are wrong before reading any row. Otherwise imports it
        and, when any row is invalid, rolls back every row (the library would keep the valid
        ones unless asked)."""
        check = self.check_file(
            dataset,
            raise_errors=raise_errors,
            collect_failed_rows=collect_failed_rows,
            **kwargs,
        )
        if dry_run or check.has_errors() or check.has_validation_errors():
            return check
        return self._import_in_batches(
            dataset, raise_errors=raise_errors, collect_failed_rows=collect_failed_rows, **kwargs
        )

    def check_file(self, dataset, *, raise_errors=False, collect_failed_rows=False, **kwargs):
        """Check every row of the file, writing nothing (no row lock): the result has the
        column problem or each bad row. Reads the file's units, positions and NIPs for the
        batches that follow (`import_batch`)."""
        if dataset.headers:  # "Full Name " reads as full_name
            dataset.headers = [_text(h).lower().replace(" ", "_") for h in dataset.headers]
        problem = self._column_problem(dataset.headers or [])
        if problem:
            result = self.get_result_class()()
            result.diff_headers = self.get_diff_headers()
            result.total_rows = len(dataset)
            self.handle_import_error(result, ImportColumnsError(problem), raise_errors)
            return result
        self._names = None
        self._nip_rows = self._rows_by_nip(dataset)
        return super().import_data(
            dataset,
            dry_run=True,  # writes nothing (`save_instance`): no row lock
            raise_errors=raise_errors,
            use_transactions=True,
            collect_failed_rows=collect_failed_rows,
            rollback_on_validation_errors=True,
            **kwargs,
        )

    def import_batch(self, dataset, start: int, **kwargs):
        """Write the `EMPLOYEE_IMPORT_BATCH_ROWS` rows of the checked file from `start` (0 for
        the first row under the header) in one transaction (a savepoint inside the caller's),
        rolled back whole if a row fails. Rows are numbered in the whole file."""
        size = settings.EMPLOYEE_IMPORT_BATCH_ROWS
        part = tablib.Dataset(*dataset[start : start + size], headers=dataset.headers)
        result = super().import_data(
            part,
            dry_run=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
            **kwargs,
        )
        result.total_rows = len(part)
        for row in [*result.invalid_rows, *result.error_rows]:
            row.number += start
        return result

    def _import_in_batches(self, dataset, **kwargs):
        """Write the checked file, one transaction per batch (see the module's docstring). The
        result is the batches' results joined, with rows numbered in the whole file; it stops
        at the first batch that fails, with `applied_rows` the rows written before it."""
        size = settings.EMPLOYEE_IMPORT_BATCH_ROWS
        joined = self.get_result_class()()
        joined.diff_headers = self.get_diff_headers()
        joined.total_rows = len(dataset)
        joined.applied_rows = 0
        for start in range(0, len(dataset), size):
            result = self.import_batch(dataset, start, **kwargs)
            joined.rows.extend(result.rows)
            joined.invalid_rows.extend(result.invalid_rows)
            joined.error_rows.extend(result.error_rows)
            joined.base_errors.extend(result.base_errors)
            for key, value in result.totals.items():
                joined.totals[key] = joined.totals.get(key, 0) + value
            if result.has_errors() or result.has_validation_errors():
                break
            joined.applied_rows = start + result.total_rows
        return joined

    def save_instance(self, instance, is_create, row, **kwargs):
        if kwargs.get("dry_run"):
            # The check: the row is complete and valid; writing and rolling back would only
            # lock the row for the whole file.
            self.before_save_instance(instance, row, **kwargs)
            self.after_save_instance(instance, row, **kwargs)
            return
        super().save_instance(instance, is_create, row, **kwargs)

    def _column_problem(self, headers) -> str:
        named = [header for header in headers if header]
        missing = [column for column in COLUMNS if column not in named]
        unknown = [header for header in named if header not in COLUMNS]
        repeated = sorted({header for header in named if named.count(header) > 1})
        if not (missing or unknown or repeated):
            return ""
        problems = []
        if missing:
            problems.append(
                _("The file is missing these columns: %(columns)s.")
                % {"columns": ", ".join(missing)}
            )
        if unknown:
            problems.append(
                _("The file has columns the register does not know: %(columns)s.")
                % {"columns": ", ".join(unknown)}
            )
        if repeated:
            problems.append(
                _("These columns appear more than once: %(columns)s.")
                % {"columns": ", ".join(repeated)}
            )
        problems.append(
            _("Nothing was imported. The first row must name exactly these columns: %(columns)s.")
            % {"columns": ", ".join(COLUMNS)}
        )
        return " ".join(problems)

    def _rows_by_nip(self, dataset) -> dict[str, list[int]]:
        """Row numbers as the import reports them (the first row under the header is 1)."""
        rows = defaultdict(list)
        for number, values in enumerate(dataset.dict, 1):
            nip = self.fields["nip"].clean(values)
            if nip:
                rows[nip].append(number)
        return rows

    # --- one row -----------------------------------------------------------------------------

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return _is_blank(row) or super().skip_row(instance, original, row, import_validation_errors)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        try:
            instance.position = self._position_for(row)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        nip_errors = self._nip_errors(row)
        if nip_errors:
            errors.setdefault("nip", []).extend(nip_errors)
        if errors:
            raise ValidationError(errors)

    def _position_for(self, row) -> Position:
        if self._names is None:
            self._names = _Names()
        unit_name, position_name = _text(row.get("unit")), _text(row.get("position"))
        if not unit_name:
            raise ValidationError({"unit": _("Enter the name of the unit.")})
        unit = self._names.unit(unit_name)
        if unit is None:
            raise ValidationError(
                {"unit": _("There is no unit named “%(name)s”.") % {"name": unit_name}}
            )
        if not position_name:
            raise ValidationError({"position": _("Enter the name of the position.")})
        position = self._names.position(unit, position_name)
        if position is None:
            raise ValidationError(
                {
                    "position": _("The unit “%(unit)s” has no position named “%(name)s”.")
                    % {"unit": unit.name, "name": position_name}
                }
            )
        return position

    def _nip_errors(self, row) -> list[ValidationError]:
        errors = []
        if isinstance(row.get("nip"), float):
            errors.append(
                ValidationError(
                    _("Store the NIP as text: as a number, Excel rounds its last digits."),
                    code="nip_number",
                )
            )
        rows = self._nip_rows.get(self.fields["nip"].clean(row), [])
        if len(rows) > 1:
            errors.append(
                ValidationError(
                    _("This NIP appears more than once in the file (rows %(rows)s).")
                    % {"rows": ", ".join(str(number) for number in rows)},
                    code="nip_duplicate",
                )
            )
        return errors

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        exclude = set(errors)
        if "unit" in errors:
            exclude.add("position")  # unknown unit: the position was not looked up
        if (
            instance.birth_date
            and instance.position_id
            and not exclude & {"birth_date", "position"}
        ):
            employee_fill_derived(instance)
        else:
            exclude.add("retirement_date")  # not derivable; the cause is reported on its column
        try:
            # validate_constraints=False: the model's one check constraint (start after birth)
            # is Employee.clean()'s own first rule, and checking it again costs a query a row.
            instance.full_clean(
                exclude=exclude, validate_unique=validate_unique, validate_constraints=False
            )
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
