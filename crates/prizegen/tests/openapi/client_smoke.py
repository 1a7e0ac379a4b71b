"""A client generated from /api/v1/openapi.json by openapi-python-client, used as a stranger would:
a draw of every game, a prize-pool sequence generated and claimed (once), and a campaign created,
changed, used and deleted with the operator token. Run by tests/openapi.rs with the generated
package on PYTHONPATH:

    python3 client_smoke.py BASE_URL OPERATOR_TOKEN

Every answer is parsed by the generated models, so a response the document does not describe
fails here; every step asserts what it got.
"""

import datetime
import sys
import uuid

from prizegen_client import AuthenticatedClient, Client
from prizegen_client.api.campaigns import create_campaign, delete_campaign, get_campaign, update_campaign
from prizegen_client.api.draws import create_draw, get_draw, list_draws
from prizegen_client.api.games import list_games
from prizegen_client.api.prize_pool import claim_sequence, generate_sequence, get_sequence
from prizegen_client.models import (
    AccountPrizeResult,
    AttackResult,
    CampaignBody,
    CampaignChanges,
    CampaignChangesGame,
    CharacterDraw,
    CharacterDrawGame,
    CharacterDrawInput,
    CharacterDrawInputClass,
    CharacterDrawInputRace,
    CharacterDrawInputRanks,
    CharacterResult,
    DrawBody,
    Error,
    NewCampaign,
    NewCampaignGame,
    NewSequence,
    OneStepDraw,
    OneStepDrawGame,
    PrizePoolResult,
    SequenceBody,
    SpyMissionResult,
)


def expect(value, kind, what):
    assert isinstance(value, kind), f"{what}: expected {kind.__name__}, got {value!r}"
    return value


def main(base_url: str, token: str) -> None:
    anyone = Client(base_url=base_url, raise_on_unexpected_status=True)
    operator = AuthenticatedClient(base_url=base_url, token=token, raise_on_unexpected_status=True)

    games = list_games.sync(client=anyone)
    assert [g.name for g in games.games] == ["account-prize", "prize-pool", "spy-mission", "attack", "character"]

    results = {"account-prize": AccountPrizeResult, "spy-mission": SpyMissionResult, "attack": AttackResult}
    for game, result in results.items():
        draw = expect(create_draw.sync(client=anyone, body=OneStepDraw(game=OneStepDrawGame(game))), DrawBody, game)
        assert draw.game == game and draw.campaign == game, draw
        expect(draw.result, result, f"{game}'s result")
        again = expect(get_draw.sync(draw.id, client=anyone), DrawBody, f"{game} read back")
        assert again.result.to_dict() == draw.result.to_dict()

    name = f"Aria {uuid.uuid4().hex[:8]}"
    ranks = CharacterDrawInputRanks(strength=6, dexterity=1, constitution=5, intelligence=2, wisdom=4, charisma=3)
    choices = CharacterDrawInput(
        name=name, race=CharacterDrawInputRace("Elf"), class_=CharacterDrawInputClass("Wizard"), ranks=ranks
    )
    body = CharacterDraw(game=CharacterDrawGame("character"), input_=choices)
    character = expect(create_draw.sync(client=anyone, body=body), DrawBody, "character")
    sheet = expect(character.result, CharacterResult, "character's result")
    assert sheet.name == name and len(sheet.rolls) == 6, sheet
    taken = create_draw.sync_detailed(client=Client(base_url=base_url), body=body)
    assert taken.status_code == 409 and expect(taken.parsed, Error, "a taken name").error.code == "name_taken"

    sequence = expect(generate_sequence.sync(client=anyone, body=NewSequence()), SequenceBody, "generate")
    assert len(sequence.sequence) == 20 and not sequence.claimed
    claim = expect(claim_sequence.sync(sequence.sequence, client=anyone), DrawBody, "claim")
    expect(claim.result, PrizePoolResult, "claim's result")
    assert claim.fairness.nonce == sequence.fairness.nonce, "a claim keeps the generation's fairness"
    again = claim_sequence.sync_detailed(sequence.sequence, client=Client(base_url=base_url))
    assert again.status_code == 409 and again.parsed.error.code == "already_submitted", again
    assert get_sequence.sync(sequence.sequence, client=anyone).claimed

    slug = f"gig-{uuid.uuid4().hex[:8]}"
    new = NewCampaign(
        slug=slug, name="The Act", venue="Hall", date=datetime.date(2026, 9, 9), game=NewCampaignGame("attack"),
        budget_pence=None,
    )
    refused = create_campaign.sync_detailed(client=Client(base_url=base_url), body=new)
    assert refused.status_code == 401 and refused.parsed.error.code == "unauthorized", refused
    created = expect(create_campaign.sync(client=operator, body=new), CampaignBody, "create")
    assert created.slug == slug and created.active and created.spent_pence == 0
    changes = CampaignChanges(
        name="The Act", venue="Old Barn", date=datetime.date(2026, 9, 10), game=CampaignChangesGame("attack"),
        budget_pence=5000,
    )
    changed = expect(update_campaign.sync(slug, client=operator, body=changes), CampaignBody, "update")
    assert changed.venue == "Old Barn" and changed.budget_pence == 5000 and changed.stock_left_pence == 5000
    draw = create_draw.sync(client=anyone, body=OneStepDraw(game=OneStepDrawGame("attack"), campaign=slug))
    assert expect(draw, DrawBody, "a draw in the campaign").campaign == slug
    listed = list_draws.sync(client=anyone, campaign=slug, limit=5)
    assert [d.id for d in listed.draws] == [draw.id]
    has_draws = delete_campaign.sync_detailed(slug, client=AuthenticatedClient(base_url=base_url, token=token))
    assert has_draws.status_code == 409 and has_draws.parsed.error.code == "has_draws", has_draws

    unused = f"gig-{uuid.uuid4().hex[:8]}"
    create_campaign.sync(client=operator, body=NewCampaign(
        slug=unused, name="Another Act", venue="Hall", date=datetime.date(2026, 10, 1),
        game=NewCampaignGame("spy-mission"),
    ))
    deleted = delete_campaign.sync_detailed(unused, client=operator)
    assert deleted.status_code == 204, deleted
    gone = get_campaign.sync_detailed(unused, client=Client(base_url=base_url))
    assert gone.status_code == 404 and gone.parsed.error.code == "campaign_not_found", gone
    print("the generated client played every game and managed a campaign")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
