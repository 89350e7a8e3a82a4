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
delete_transient( 'vafa_program' );
delete_transient( 'vafa_down' );
