<?php
/**
 * Removes everything the plugin stored: keys, options, scheduled actions and
 * the webhooks it created.
 *
 * @package Vafa
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

$vafa_ids = get_option( 'vafa_webhook_ids', array() );
if ( is_array( $vafa_ids ) && function_exists( 'wc_get_webhook' ) ) {
	foreach ( $vafa_ids as $vafa_id ) {
		$vafa_hook = wc_get_webhook( (int) $vafa_id );
		if ( $vafa_hook ) {
			$vafa_hook->delete( true );
		}
	}
}
if ( function_exists( 'as_unschedule_all_actions' ) ) {
	as_unschedule_all_actions( 'vafa_reconcile', array(), 'vafa' );
}
foreach ( array( 'vafa_connection', 'vafa_private_key', 'vafa_webhook_ids', 'vafa_timeout', 'vafa_sync_cursor', 'vafa_import_progress', 'vafa_program_last' ) as $vafa_option ) {
	delete_option( $vafa_option );
}
// Cached storefront figures: per-user transients and the last good answers.
global $wpdb;
$wpdb->query( "DELETE FROM {$wpdb->options} WHERE option_name LIKE '\\_transient\\_vafa\\_%' OR option_name LIKE '\\_transient\\_timeout\\_vafa\\_%'" ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery -- one-time cleanup.
$wpdb->query( "DELETE FROM {$wpdb->usermeta} WHERE meta_key LIKE 'vafa\\_%'" ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery -- one-time cleanup.
wp_cache_flush();
