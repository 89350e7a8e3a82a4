<?php
/**
 * Keeps the plugin's recurring background jobs scheduled.
 *
 * @package Vafa
 */

namespace Vafa;

defined( 'ABSPATH' ) || exit;

/**
 * Checks, at most hourly and only while connected, that the recurring jobs
 * (the reconciliation sync, the pruning of received event ids) are in
 * Action Scheduler, and schedules those that are not. Asking Action
 * Scheduler costs queries, so a page view does not ask each time; the time
 * of the last check is an autoloaded option, free to read. Connecting
 * clears it, so a new connection schedules the jobs on its next request.
 */
final class Schedules {
	const EVERY = HOUR_IN_SECONDS;

	/**
	 * Hooks the check on init.
	 */
	public static function register(): void {
		add_action( 'init', array( self::class, 'check' ) );
	}

	/**
	 * Schedules what is missing when the last check is older than an hour.
	 */
	public static function check(): void {
		if ( ! function_exists( 'as_has_scheduled_action' ) || ! Settings::connected() ) {
			return;
		}
		if ( (int) get_option( Settings::SCHEDULED, 0 ) > time() - self::EVERY ) {
			return;
		}
		Reconciler::schedule();
		Bonuses\Receiver::schedule_pruning();
		Settings::autoload( Settings::SCHEDULED, time() );
	}
}
