<?php
/**
 * Removes everything the plugin stored: revokes its key at the service,
 * then removes options, cached figures, user meta, scheduled actions and the
 * webhooks it created. The option names come from Vafa\Settings.
 *
 * @package Vafa
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

defined( 'VAFA_FILE' ) || define( 'VAFA_FILE', __DIR__ . '/vafa.php' );
defined( 'VAFA_DIR' ) || define( 'VAFA_DIR', __DIR__ );
require_once __DIR__ . '/includes/Autoloader.php';
\Vafa\Autoloader::register( __DIR__ . '/includes' );

// A copy of the key must not keep minting tokens after the plugin is gone.
\Vafa\Connector::revoke_own_key();
\Vafa\Webhooks::remove();
if ( function_exists( 'as_unschedule_all_actions' ) ) {
	foreach ( \Vafa\Settings::SCHEDULED_HOOKS as $vafa_hook ) {
		as_unschedule_all_actions( $vafa_hook, array(), \Vafa\Reconciler::GROUP );
	}
}
foreach ( \Vafa\Settings::all_options() as $vafa_option ) {
	delete_option( $vafa_option );
}
// Cached storefront figures: per-user transients and the last good answers;
// and the reward codes the plugin issued (vafa_code_*).
global $wpdb;
$vafa_like = $wpdb->esc_like( \Vafa\Settings::PREFIX ) . '%';
$wpdb->query( $wpdb->prepare( "DELETE FROM {$wpdb->options} WHERE option_name LIKE %s OR option_name LIKE %s", '_transient_' . $vafa_like, '_transient_timeout_' . $vafa_like ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery -- one-time cleanup.
$wpdb->query( $wpdb->prepare( "DELETE FROM {$wpdb->usermeta} WHERE meta_key LIKE %s", $vafa_like ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery -- one-time cleanup.
$wpdb->query( $wpdb->prepare( "DELETE FROM {$wpdb->options} WHERE option_name LIKE %s", $wpdb->esc_like( \Vafa\Rewards\Codes::PREFIX ) . '%' ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery -- one-time cleanup.
// The received event ids and what the service answered for reviews.
\Vafa\Bonuses\EventStore::drop();
$wpdb->query( $wpdb->prepare( "DELETE FROM {$wpdb->commentmeta} WHERE meta_key = %s", \Vafa\Bonuses\Reviews::META ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery -- one-time cleanup.
wp_cache_flush();
