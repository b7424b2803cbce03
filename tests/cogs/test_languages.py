"""A member is answered in their Discord's language: buttons, placeholders, refusals, waits,
/help and the quiz's frame, from `bot/locales/`; the lore's own text stays as written."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.offline.harness import Harness, controls
from bot.offline.payloads import Actor
from bot.render.screens import entry_screen, sequence_screen
from bot.render.words import load_words

FRENCH = Actor(locale="fr")
GERMAN = Actor(locale="de")
WORDS = load_words()


async def test_buttons_and_placeholders_follow_the_members_language(harness: Harness, lorebook):
    french = await harness.command("story", actor=FRENCH)
    assert french.data["embeds"] == [
        sequence_screen(lorebook, "seq.story").pages[0].embed.to_dict()
    ]
    assert "Suivant ▶" in [c.label for c in controls(harness.message())]
    turned = await harness.click("Suivant ▶", actor=FRENCH)
    assert "◀ Précédent" in [c.label for c in controls(turned.data)]
    await harness.command("character", name="vicky-page", actor=Actor(locale="ja"))
    select = harness.message()["components"][-1]["components"][0]
    assert select["placeholder"] == "関連する項目を開く…"
    english = await harness.command("character", name="vicky-page")
    screen = entry_screen(lorebook, lorebook.get("vicky-page"))
    assert english.data["embeds"] == [screen.pages[0].embed.to_dict()]  # the lore as written
    assert english.data["components"][-1]["components"][0]["placeholder"] == (
        "Open a related entry…"
    )


async def test_an_unknown_name_is_answered_in_character_in_spanish(harness: Harness, lorebook):
    spanish = Actor(locale="es-ES")
    answer = (await harness.command("character", name="ballerina dog", actor=spanish)).data
    line, suggestion = answer["content"].split("\n")
    assert line in WORDS["es-ES"].lines["unknown"]
    assert suggestion.startswith("¿Quería decir **")
    assert answer["flags"] == 64
    # Latin American Spanish has no file of its own: it gets Spain's.
    latin = replace(spanish, locale="es-419")
    pointed = await harness.command("person", name="vicky page", actor=latin)
    assert "Victoria" in pointed.data["content"].split("\n")[1]
    assert " es un personaje: `/character name:Victoria" in pointed.data["content"]


async def test_a_refusal_and_a_wait_are_in_the_members_language(harness: Harness):
    refused = (await harness.command("lore export", actor=GERMAN)).data["content"]
    assert refused.endswith(" Das dürfen nur Moderatoren (Server verwalten oder die Lore-Rolle).")
    assert refused.split(" Das dürfen")[0] in WORDS["de"].lines["forbidden"]
    await harness.command("lermontov", actor=GERMAN)
    again = (await harness.command("lermontov", actor=GERMAN)).data["content"]
    line, wait = again.split("\n")
    assert line in WORDS["de"].lines["cooldown"]
    assert re.fullmatch(r"\(Sie können in \d+ Sekunden wieder fragen\.\)", wait)


async def test_help_names_commands_as_the_member_sees_them(harness: Harness):
    embed = (await harness.command("help", actor=FRENCH)).data["embeds"][0]
    assert embed["title"] == "Ce que je sais faire"
    text = embed["description"]
    assert "`/personnage` — Un personnage du film, et qui l'a joué." in text
    assert "`/quiz lancer` — Lancer un quiz dans ce salon" in text
    assert "**Demander à Lermontov** — sur n'importe quel message : Applications → " in text
    assert len(text.splitlines()) == len(
        (await harness.command("help")).data["embeds"][0]["description"].splitlines()
    )


async def test_the_audition_form_is_in_the_players_language(harness: Harness):
    pending = harness.dispatch(harness.command_payload("lermontov", {"play": True}, actor=FRENCH))
    await harness.recorder.wait_for(lambda c: c.kind == "callback", pending.start)
    asked = pending.so_far().response["data"]
    assert asked["content"].endswith("\n-# Répondez en Vicky d'ici une minute.")
    form = await harness.click("Répondre en Vicky", actor=FRENCH)
    modal = form.response["data"]
    assert modal["title"] == "L'audition"
    field = modal["components"][0]["components"][0]["custom_id"]
    await harness.run(harness.submit_payload(modal["custom_id"], {field: "Je dois."}, FRENCH))
    await pending.done()
