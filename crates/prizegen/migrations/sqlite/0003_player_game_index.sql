-- prizegen schema, version 3: a player's draws by game, and only signed-in draws in the
-- players' indexes.
--
-- A player's totals count their draws by game; through `draws_by_player` (player_id, id) that
-- reads every one of their draw rows for its game (37 ms for a player with 20,000 draws on
-- SQLite). `draws_by_player_game` holds the game beside the player, so the count reads the
-- index alone, and "my draws" filtered by game walks only that game's draws, newest first.
--
-- Both indexes are partial: an anonymous draw (player_id NULL) is never looked up by player, so
-- it is kept out of them and costs no index write. Every query that uses them says
-- `player_id = ?`, which implies `player_id IS NOT NULL`.
DROP INDEX draws_by_player;
CREATE INDEX draws_by_player ON draws (player_id, id) WHERE player_id IS NOT NULL;
CREATE INDEX draws_by_player_game ON draws (player_id, game, id) WHERE player_id IS NOT NULL;
