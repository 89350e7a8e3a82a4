<?php
/**
 * The ids of the service's events this site has received.
 *
 * @package Vafa
 */

namespace Vafa\Bonuses;

defined( 'ABSPATH' ) || exit;

/**
 * A small table, {prefix}vafa_events, keyed by the service's event id.
 *
 * Why a table and not options: delivery is at least once and two deliveries
 * of one event can arrive at the same moment. INSERT IGNORE on a primary key
 * lets exactly one of them win inside MySQL, whatever object cache the site
 * runs (an option read through a persistent cache can be stale, and
 * add_option's check-then-insert is not atomic across requests). One row per
 * event also keeps wp_options and its autoloaded set small. The body waits
 * there until the background job has handled it, then is cleared (it holds
 * an e-mail address); ids older than RETAIN_DAYS are pruned daily. The
 * service stops retrying a delivery after about 21 hours; an admin replay of
 * a dead delivery after the ids are pruned would be handled again.
 */
final class EventStore {
	const TABLE       = 'vafa_events';
	const RETAIN_DAYS = 30;
	const PRUNE_HOOK  = 'vafa_prune_events';

	/**
	 * The table's full name.
	 */
	public static function table(): string {
		global $wpdb;
		return $wpdb->prefix . self::TABLE;
	}

	/**
	 * Creates or updates the table (the upgrade routine and activation).
	 */
	public static function create(): void {
		global $wpdb;
		require_once ABSPATH . 'wp-admin/includes/upgrade.php';
		$table   = self::table();
		$charset = $wpdb->get_charset_collate();
		dbDelta(
			"CREATE TABLE {$table} (
  event_id bigint(20) unsigned NOT NULL,
  type varchar(64) NOT NULL DEFAULT '',
  body longtext NULL,
  received_at datetime NOT NULL,
  handled_at datetime NULL,
  PRIMARY KEY  (event_id),
  KEY received_at (received_at)
) {$charset};"
		);
	}

	/**
	 * Records an event the first time its id is seen.
	 *
	 * @param int    $id   The service's event id.
	 * @param string $type Event type.
	 * @param string $body Raw body.
	 * @return bool Whether this is the first delivery of that id.
	 */
	public static function claim( int $id, string $type, string $body ): bool {
		global $wpdb;
		$table = self::table();
		$rows  = $wpdb->query( $wpdb->prepare( "INSERT IGNORE INTO {$table} (event_id, type, body, received_at) VALUES (%d, %s, %s, %s)", $id, $type, $body, gmdate( 'Y-m-d H:i:s' ) ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery,WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the plugin's own table; the atomic insert is the point.
		return 1 === $rows;
	}

	/**
	 * Takes an event not handled yet: marks it handled and drops its body in
	 * one conditional UPDATE, so of two jobs running for the same id only
	 * one gets the body.
	 *
	 * @param int $id Event id.
	 * @return string|null The raw body; null when already taken.
	 */
	public static function take( int $id ): ?string {
		global $wpdb;
		$table = self::table();
		$body  = $wpdb->get_var( $wpdb->prepare( "SELECT body FROM {$table} WHERE event_id = %d AND handled_at IS NULL", $id ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery,WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the plugin's own table.
		if ( ! is_string( $body ) || '' === $body ) {
			return null;
		}
		$rows = $wpdb->query( $wpdb->prepare( "UPDATE {$table} SET handled_at = %s, body = NULL WHERE event_id = %d AND handled_at IS NULL", gmdate( 'Y-m-d H:i:s' ), $id ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery,WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the plugin's own table.
		return 1 === $rows ? $body : null;
	}

	/**
	 * Deletes ids older than RETAIN_DAYS (daily, in the background).
	 *
	 * @return int Rows deleted.
	 */
	public static function prune(): int {
		global $wpdb;
		$table = self::table();
		return (int) $wpdb->query( $wpdb->prepare( "DELETE FROM {$table} WHERE received_at < %s LIMIT 5000", gmdate( 'Y-m-d H:i:s', time() - self::RETAIN_DAYS * DAY_IN_SECONDS ) ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery,WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the plugin's own table.
	}

	/**
	 * Removes the table (uninstall).
	 */
	public static function drop(): void {
		global $wpdb;
		$table = self::table();
		$wpdb->query( "DROP TABLE IF EXISTS {$table}" ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery,WordPress.DB.PreparedSQL.InterpolatedNotPrepared,WordPress.DB.DirectDatabaseQuery.SchemaChange -- uninstall.
	}
}
