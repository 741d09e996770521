"""The services one web process runs on, built once by the app factory and handed to each feature.

Features receive this object (`create_blueprint(svc)`, `register(..., svc)`) instead of looking services up by
name, so what a feature depends on is visible in its signature and a type checker can follow it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import redis

from core.mall.schema import Mall
from server.settings import Settings

if TYPE_CHECKING:  # imported for annotations only: the factory builds these in dependency order
    from server.assist.store import AssistStore
    from server.auth.users import Users
    from server.ingest.tokens import ApiTokens, CameraTokens
    from server.kiosk.analytics import Engagement
    from server.kiosk.registry import KioskRegistry
    from server.kiosk.watcher import ContentWatcher
    from server.live.notify import Notifier
    from server.live.publisher import LivePublisher
    from server.manager.alerts import AlertEngine
    from server.manager.content_edit import ContentEditor
    from server.metrics import Metrics
    from server.staffing.service import StaffingService
    from server.store.counts import CountStore
    from server.store.keys import Keys
    from server.store.reads import Reader


@dataclass
class Services:
    settings: Settings
    mall: Mall
    redis: redis.Redis
    keys: Keys
    metrics: Metrics
    counts: CountStore
    reader: Reader
    notify: Notifier
    live: LivePublisher
    camera_tokens: CameraTokens
    api_tokens: ApiTokens
    users: Users
    staffing: StaffingService
    assist: AssistStore
    kiosks: KioskRegistry
    engagement: Engagement
    content: ContentWatcher  # `.content` is the kiosk content in force; it reloads when the files change
    alerts: AlertEngine
    content_editor: ContentEditor

    def start_background(self) -> None:
        """Threads a serving process runs: live publisher, content watcher and (if enabled) the staffing engine."""
        self.live.start()
        self.content.start()
        if self.settings.staffing:
            self.staffing.start()
