-- prizegen schema, version 3: a player's draws by game.
--
-- A player's totals count their draws by game; through `draws_by_player` (player_id, id) that
-- reads every one of their draw rows for its game (37 ms for a player with 20,000 draws on
-- SQLite). This index holds the game beside the player, so the count reads the index alone, and
-- "my draws" filtered by game walks only that game's draws, newest first.
CREATE INDEX draws_by_player_game ON draws (player_id, game, id);
