"""`flask cameras ...`, `flask users ...`, `flask mall check`, `flask demo setup` (FLASK_APP=server)."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from server.auth.users import UserError
from server.services import Services


def setup_demo(svc: Services, out: Path) -> dict[str, str]:
    """Tokens for every camera and demo logins, written under var/ (git-ignored), never in the repo."""
    out.mkdir(parents=True, exist_ok=True)
    mall, tokens = svc.mall, svc.camera_tokens
    token_file = out / "camera_tokens.json"
    token_file.write_text(json.dumps({c.id: tokens.issue(c.id) for c in mall.cameras}, indent=1))
    os.chmod(token_file, 0o600)
    cred = out / "credentials.json"
    creds = json.loads(cred.read_text()) if cred.exists() else {}
    u = svc.users
    for name, role, display in (("manager", "manager", "Demo Manager"), ("staff", "staff", "Demo Staff")):
        pw = creds.get(name) or secrets.token_urlsafe(9)
        u.create(name, pw, role, display, replace=True)
        creds[name] = pw
    cred.write_text(json.dumps(creds, indent=1))
    os.chmod(cred, 0o600)
    return creds


def register(app: Flask, svc: Services) -> None:
    """The `flask` commands, bound to this process's services."""
    cameras = AppGroup("cameras", help="Camera tokens (stored only as hashes).")
    users = AppGroup("users", help="Manager and staff accounts.")
    kiosks = AppGroup("kiosks", help="Enrolled kiosks (only they send heartbeats and assistance requests).")
    demo = AppGroup("demo", help="Demo data for make run.")
    api_tokens = AppGroup("api-tokens", help="Tokens for outside tools (e.g. /api/v1/staffing/what-if).")

    @api_tokens.command("add")
    @click.argument("name")
    def api_tokens_add(name: str) -> None:
        """Issue (or replace) the token of an outside tool; printed once."""
        click.echo(svc.api_tokens.issue(name))

    @api_tokens.command("revoke")
    @click.argument("name")
    def api_tokens_revoke(name: str) -> None:
        if not svc.api_tokens.revoke(name):
            raise click.UsageError(f"no API token named {name!r}")
        click.echo(f"revoked {name}")

    def _camera(camera_id: str) -> None:
        mall = svc.mall
        if mall.camera(camera_id) is None:
            raise click.BadParameter(f"no camera {camera_id!r} in the mall config; add it to the config first", param_hint="CAMERA_ID")

    @cameras.command("add")
    @click.argument("camera_id")
    def cameras_add(camera_id: str) -> None:
        """Issue a token for a camera of the mall config (printed once)."""
        _camera(camera_id)
        tokens = svc.camera_tokens
        if tokens.has(camera_id):
            raise click.UsageError(f"camera {camera_id!r} already has a token; use 'flask cameras rotate {camera_id}'")
        click.echo(tokens.issue(camera_id))

    @cameras.command("rotate")
    @click.argument("camera_id")
    def cameras_rotate(camera_id: str) -> None:
        """Replace a camera's token; the old one stops working at once."""
        _camera(camera_id)
        tokens = svc.camera_tokens
        if not tokens.has(camera_id):
            raise click.UsageError(f"camera {camera_id!r} has no token yet; use 'flask cameras add {camera_id}'")
        click.echo(tokens.issue(camera_id))

    @cameras.command("revoke")
    @click.argument("camera_id")
    def cameras_revoke(camera_id: str) -> None:
        tokens = svc.camera_tokens
        if not tokens.revoke(camera_id):
            raise click.UsageError(f"camera {camera_id!r} has no token")
        click.echo(f"revoked {camera_id}")

    @cameras.command("list")
    def cameras_list() -> None:
        """Every camera of the config, its zone and whether it has a token."""
        mall = svc.mall
        tokens = svc.camera_tokens
        have = tokens.registered()
        for c in mall.cameras:
            click.echo(f"{c.id}\t{c.area}\t{'token' if c.id in have else 'no-token'}")

    @users.command("create")
    @click.argument("username")
    @click.option("--role", type=click.Choice(["manager", "staff"]), default="manager", show_default=True)
    @click.option("--name", "display_name", default=None, help="Name shown to shoppers when acknowledging requests.")
    @click.password_option(envvar="NEW_USER_PASSWORD")
    def users_create(username: str, role: str, display_name: str | None, password: str) -> None:
        """Create a user (password prompted, or from NEW_USER_PASSWORD)."""
        try:
            svc.users.create(username, password, role, display_name)
        except UserError as exc:
            raise click.UsageError(str(exc)) from None
        click.echo(f"created {role} {username}")

    @users.command("list")
    def users_list() -> None:
        for u, role, name in svc.users.list():
            click.echo(f"{u}\t{role}\t{name}")

    @users.command("delete")
    @click.argument("username")
    def users_delete(username: str) -> None:
        if not svc.users.delete(username):
            raise click.UsageError(f"no user {username!r}")
        click.echo(f"deleted {username}")

    @users.command("passwd")
    @click.argument("username")
    @click.password_option(envvar="NEW_USER_PASSWORD")
    def users_passwd(username: str, password: str) -> None:
        """Set a new password; every session of the user ends."""
        try:
            ended = svc.users.set_password(username, password)
        except UserError as exc:
            raise click.UsageError(str(exc)) from None
        click.echo(f"password changed for {username}; {ended} session(s) ended")

    @users.command("logout")
    @click.argument("username")
    def users_logout(username: str) -> None:
        """Log a user out everywhere (every session ends at once)."""
        click.echo(f"{svc.users.sessions.end_all(username)} session(s) of {username} ended")

    @kiosks.command("enrol")
    @click.argument("kiosk_id")
    @click.option("--zone", required=True, help="The zone whose page the kiosk shows.")
    def kiosks_enrol(kiosk_id: str, zone: str) -> None:
        """Enrol a kiosk; prints its secret and the link to open once on the device."""
        from server.errors import ApiError
        from server.kiosk.enrol import KioskEnrolment
        from server.kiosk.enrol_api import enrol_link

        try:
            secret = KioskEnrolment(svc.redis, svc.keys, svc.mall).enrol(kiosk_id, zone)
        except ApiError as exc:
            raise click.UsageError(f"{exc.field}: {exc.detail}") from None
        click.echo(f"{kiosk_id}\t{zone}\t{secret}\t{enrol_link(zone, kiosk_id, secret)}")

    @kiosks.command("retire")
    @click.argument("kiosk_id")
    def kiosks_retire(kiosk_id: str) -> None:
        from server.kiosk.enrol import KioskEnrolment

        if not KioskEnrolment(svc.redis, svc.keys, svc.mall).retire(kiosk_id):
            raise click.UsageError(f"no enrolled kiosk {kiosk_id!r}")
        click.echo(f"retired {kiosk_id}")

    @kiosks.command("list")
    def kiosks_list() -> None:
        from server.kiosk.enrol import KioskEnrolment

        for k, rec in KioskEnrolment(svc.redis, svc.keys, svc.mall).enrolled().items():
            click.echo(f"{k}\t{rec['zone']}")

    @demo.command("setup")
    @click.option("--out", "out_dir", type=click.Path(file_okay=False), default="var/demo", show_default=True)
    def demo_setup(out_dir: str) -> None:
        """Issue tokens for every camera and demo logins (files under var/demo)."""
        setup_demo(svc, Path(out_dir))
        click.echo(f"camera tokens and logins written under {out_dir}")

    app.cli.add_command(cameras)
    app.cli.add_command(users)
    app.cli.add_command(kiosks)
    app.cli.add_command(demo)
    app.cli.add_command(api_tokens)

    @app.cli.command("mall-check")
    def mall_check() -> None:
        """Validate the mall config (start-up does the same)."""
        mall = svc.mall
        click.echo(f"ok: {len(mall.zones)} zones, {len(mall.cameras)} cameras, {len(mall.checkout.counters)} counters")
