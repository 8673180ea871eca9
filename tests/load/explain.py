"""Print the plans of the public list's queries (python -m tests.load.explain): a tool."""

from __future__ import annotations

import os
import sys

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egts.settings")
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    for url in sys.argv[1:]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, HTTP_HOST="127.0.0.1")
        print("=" * 20, url, response.status_code)
        for query in captured.captured_queries:
            sql = query["sql"]
            if "contributions_contribution" not in sql or not sql.startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN ANALYZE " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            print(query["time"], sql[:300])
            print(plan)


if __name__ == "__main__":
    main()
