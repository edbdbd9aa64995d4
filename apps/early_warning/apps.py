from django.apps import AppConfig

from apps.core.navigation import NavItem


class EarlyWarningConfig(AppConfig):
    name = "apps.early_warning"
    label = "early_warning"
    verbose_name = "Early warning"
    nav_items = [
        NavItem(
            "Watchlist", "early_warning:watchlist", "signed_in", group="Early warning", order=1
        ),
        NavItem("Map", "early_warning:map", "signed_in", group="Early warning", order=2),
        NavItem(
            "Compare frameworks",
            "early_warning:compare",
            "signed_in",
            group="Early warning",
            order=5,
        ),
        NavItem(
            "Frameworks", "early_warning:frameworks", "signed_in", group="Early warning", order=6
        ),
        NavItem(
            "Validation", "early_warning:validation", "signed_in", group="Early warning", order=6
        ),
        NavItem(
            "Soft intelligence",
            "early_warning:notes",
            "case_detail",
            group="Early warning",
            order=7,
        ),
    ]
    council_links = [NavItem("Early-warning assessment", "early_warning:council", "signed_in")]

    def home_panel(self, request) -> dict | None:
        """The councils of most concern, from published data only (no soft intelligence)."""
        if not request.user.is_authenticated:
            return None
        import datetime as dt

        from apps.early_warning.services.coverage import data_reach
        from apps.early_warning.services.watchlist import (
            DEFAULT_FRAMEWORK,
            compute_watchlist,
            latest_scorable_date,
        )

        latest = latest_scorable_date(DEFAULT_FRAMEWORK)
        as_at = latest or dt.date.today()
        frame = compute_watchlist(as_at, DEFAULT_FRAMEWORK, include_notes=False)
        fw = frame.attrs["framework"]
        scored = frame[frame["band"] != "insufficient data"].sort_values("rank").head(8)
        rows = [{**row, "tag": fw.tag_for(row["band"])} for row in scored.to_dict("records")]
        return {
            "template": "early_warning/_home_panel.html",
            "framework": fw,
            "as_at": as_at,
            "is_latest": latest is not None,
            "rows": rows,
            "coverage": data_reach(fw, as_at),
            "flagged": int((frame["band"].isin([d.label for d in fw.designations])).sum()),
            "total": len(frame),
        }

    def warm_cache(self, report) -> None:
        from apps.early_warning.services.warm import warm_daily_pages

        warm_daily_pages(report)

    def bootstrap(self, stdout) -> None:
        from apps.early_warning.services.demo import create_demo_notes

        created = create_demo_notes()
        stdout.write(f"   demo soft-intelligence notes: {created} created (labelled demo)\n")
        from apps.early_warning.services.validation import cached_validation

        result = cached_validation()
        stdout.write(f"   validation computed and cached ({result.seconds:.1f} s)\n")
