"""Loading vqlite into Python's sqlite3 module, as a user would.

Run with Debian's /usr/bin/python3 (a pyenv build may lack
enable_load_extension). Prints 'N passed, N failed' and exits non-zero on a
failure. The extension path is argv[1] (default ./vqlite).
"""
import sqlite3
import sys

EXTENSION = sys.argv[1] if len(sys.argv) > 1 else "./vqlite"
results = []


def case(function):
    try:
        function()
        results.append((function.__name__, None))
    except Exception as error:  # noqa: BLE001 - every failure is reported
        results.append((function.__name__, repr(error)))
    return function


def connect():
    connection = sqlite3.connect(":memory:")
    connection.enable_load_extension(True)
    connection.load_extension(EXTENSION)
    connection.enable_load_extension(False)
    return connection


@case
def loads_and_reports_version():
    version = connect().execute("SELECT vqlite_version()").fetchone()[0]
    assert version.startswith("vqlite "), version
    assert "PCRE2" in version, version


@case
def regexp_operator_works():
    rows = connect().execute(
        "SELECT 'C:\\Windows\\System32\\svchost.exe' REGEXP '(?i)system32', 'x' REGEXP 'y'"
    ).fetchone()
    assert rows == (1, 0), rows


@case
def vql_match_with_bound_parameters():
    connection = connect()
    query = "SELECT vql_match(?, ?)"
    assert connection.execute(query, ("SVCHOST.EXE", "svchost")).fetchone()[0] == 1
    assert connection.execute(query, (None, ".*")).fetchone()[0] == 1
    assert connection.execute(query, (None, "svc")).fetchone()[0] == 0


@case
def select_load_extension_works():
    connection = sqlite3.connect(":memory:")
    connection.enable_load_extension(True)
    connection.execute("SELECT load_extension(?)", (EXTENSION,)).fetchall()
    assert connection.execute("SELECT 'abc' REGEXP 'b'").fetchone()[0] == 1


@case
def invalid_pattern_raises_operational_error():
    try:
        connect().execute("SELECT 'x' REGEXP '(abc'").fetchone()
    except sqlite3.OperationalError as error:
        assert str(error) == (
            "regexp: invalid pattern '(abc': missing closing parenthesis at offset 4"
        ), str(error)
    else:
        raise AssertionError("an invalid pattern did not raise")


@case
def file_database_stays_free_of_vqlite(tmp=None):
    import os
    import tempfile

    path = os.path.join(tempfile.mkdtemp(), "plain.db")
    connection = connect()
    connection.execute("ATTACH ? AS saved", (path,))
    connection.execute("CREATE TABLE saved.t AS SELECT vqlite_version() AS v")
    connection.commit()
    connection.close()
    plain = sqlite3.connect(path)  # no extension: the file must still open
    names = [row[0] for row in plain.execute("SELECT name FROM sqlite_schema")]
    assert names == ["t"], names


for name, error in results:
    print(("ok   " if error is None else "FAIL ") + name + ("" if error is None else ": " + error))
failed = sum(1 for _, error in results if error is not None)
print(f"{len(results) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
