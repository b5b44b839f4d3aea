"""What every handler can reach: settings, database and translations, on the callback context."""

from __future__ import annotations

from dataclasses import dataclass

from telegram.ext import Application, CallbackContext, ExtBot

from bot.i18n import Translator
from bot.settings import Settings
from storage.db import Database


@dataclass(frozen=True)
class Services:
    settings: Settings
    db: Database
    translator: Translator


class BotContext(CallbackContext[ExtBot, dict, dict, dict]):
    """The callback context with typed access to the application's services."""

    @property
    def services(self) -> Services:
        return self.application.bot_data["services"]

    @property
    def db(self) -> Database:
        return self.services.db

    @property
    def settings(self) -> Settings:
        return self.services.settings


def services_of(application: Application) -> Services:
    return application.bot_data["services"]
