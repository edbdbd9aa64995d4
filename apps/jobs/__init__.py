"""Background jobs: a durable queue (django-tasks' database backend) and a record to watch.

How another app runs something in the background (the whole API):

    from apps.jobs.services import background

    @background("Refresh of indicator data", retries=2)
    def refresh(job, source: str) -> str:
        job.report(10, "Downloading")          # percent (0-100) and a message, shown on /jobs/
        ...
        return "12 indicators refreshed"       # becomes the job's closing message

    job = refresh.start(source="ons", user=request.user, subject="ONS")   # returns a Job at once
    job = refresh.run_now(source="ons")        # same bookkeeping, in this process (commands, tests)

- A job whose input is wrong raises `JobRefused("file.csv, row 3, column 'q1': ...")`: it fails at
  once, without retries or traceback, and its page shows that message. `@background(..., link=fn)`
  names the page showing a finished job's outcome (`fn(job) -> URL`), linked from the job's page,
  which refreshes its progress every 2 s while the job runs. Uploads that import data are stored
  (`apps.core.uploads.store_upload`, under MEDIA_ROOT/imports) and imported by a job, so MEDIA_ROOT
  must be shared by the web servers and the workers.
- Arguments must be JSON values (ids, strings, numbers): they are stored with the job.
- `Job.status` is queued, running, done or failed; also `.progress`, `.message`, `.attempts`,
  `.error`.
- A job that raises is retried up to `retries` more times (after 10 s, 20 s, ... on the database
  backend); then it is failed, its message naming the exception and its traceback kept in `.error`.
- `nlb db_worker` (started by `make run` and `make serve`) runs the queue; start more of them, on
  this machine or others against the same PostgreSQL, to run more jobs at once.
- Settings: TASKS_BACKEND=database (default) or immediate (tests: jobs run inside the request).
"""
