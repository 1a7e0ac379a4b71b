-- prizegen schema, version 3 (MySQL/MariaDB): a player's draws by game.
--
-- A player's totals count their draws by game; through `draws_by_player` (player_id, id) that
-- reads every one of their draw rows for its game. This index holds the game beside the player,
-- so the count reads the index alone, and "my draws" filtered by game walks only that game's
-- draws, newest first. (SQLite and PostgreSQL keep anonymous draws out of both indexes with a
-- partial index; MariaDB has none, so here every draw has an entry.)
ALTER TABLE draws ADD INDEX draws_by_player_game (player_id, game, id);
