<?php
/**
 * WordPress's personal-data exporter and eraser for the loyalty data.
 *
 * @package Vafa
 */

namespace Vafa\Privacy;

use Vafa\ApiClient;
use Vafa\ApiException;
use Vafa\Settings;

defined( 'ABSPATH' ) || exit;

/**
 * Tools > Export Personal Data gets the points balances and ledger the
 * service holds for an e-mail address; Tools > Erase Personal Data removes
 * the address from the service (the anonymous ledger amounts stay, so the
 * books still balance) and the plugin's cached figures for the user.
 */
final class DataTools {
	const GROUP = 'vafa-loyalty';

	/**
	 * Registers the exporter and the eraser.
	 */
	public static function register(): void {
		add_filter(
			'wp_privacy_personal_data_exporters',
			static function ( $exporters ) {
				$exporters['vafa'] = array(
					'exporter_friendly_name' => __( 'Loyalty points (Vafa)', 'vafa' ),
					'callback'               => array( self::class, 'export' ),
				);
				return $exporters;
			}
		);
		add_filter(
			'wp_privacy_personal_data_erasers',
			static function ( $erasers ) {
				$erasers['vafa'] = array(
					'eraser_friendly_name' => __( 'Loyalty points (Vafa)', 'vafa' ),
					'callback'             => array( self::class, 'erase' ),
				);
				return $erasers;
			}
		);
	}

	/**
	 * Exporter callback.
	 *
	 * @param string $email E-mail address.
	 * @param int    $page  Page (the service answers everything at once).
	 * @return array{data:array,done:bool}|\WP_Error
	 */
	public static function export( $email, $page = 1 ) {
		$client = ApiClient::connected();
		if ( ! $client || $page > 1 ) {
			return array(
				'data' => array(),
				'done' => true,
			);
		}
		try {
			$answer = $client->as_user( 'POST', '/v1/admin/privacy/export', (string) get_current_user_id(), 'admin', array( 'email' => (string) $email ), array(), 15.0 );
		} catch ( ApiException $e ) {
			return new \WP_Error( 'vafa_unreachable', __( 'Loyalty points: the rewards service could not be reached; try again.', 'vafa' ) );
		}
		$items  = array();
		foreach ( (array) ( $answer['customers'] ?? array() ) as $i => $c ) {
			$data = array(
				array(
					'name'  => __( 'Available points', 'vafa' ),
					'value' => (string) ( $c['available'] ?? 0 ),
				),
				array(
					'name'  => __( 'Pending points', 'vafa' ),
					'value' => (string) ( $c['pending'] ?? 0 ),
				),
				array(
					'name'  => __( 'Lifetime points', 'vafa' ),
					'value' => (string) ( $c['lifetime'] ?? 0 ),
				),
			);
			foreach ( (array) ( $c['ledger'] ?? array() ) as $t ) {
				$data[] = array(
					/* translators: 1: transaction kind, 2: date */
					'name'  => sprintf( __( 'Points %1$s on %2$s', 'vafa' ), (string) ( $t['kind'] ?? '' ), (string) ( $t['created_at'] ?? '' ) ),
					'value' => (string) ( (int) ( $t['available_delta'] ?? 0 ) + (int) ( $t['pending_delta'] ?? 0 ) ),
				);
			}
			$items[] = array(
				'group_id'    => self::GROUP,
				'group_label' => __( 'Loyalty points', 'vafa' ),
				'item_id'     => 'vafa-' . $i,
				'data'        => $data,
			);
		}
		return array(
			'data' => $items,
			'done' => true,
		);
	}

	/**
	 * Eraser callback.
	 *
	 * @param string $email E-mail address.
	 * @param int    $page  Page.
	 * @return array{items_removed:bool,items_retained:bool,messages:array,done:bool}
	 */
	public static function erase( $email, $page = 1 ): array {
		$out    = array(
			'items_removed'  => false,
			'items_retained' => false,
			'messages'       => array(),
			'done'           => true,
		);
		$client = ApiClient::connected();
		if ( $client ) {
			try {
				$answer               = $client->as_user( 'POST', '/v1/admin/privacy/erase', (string) get_current_user_id(), 'admin', array( 'email' => (string) $email ), array(), 15.0 );
				$out['items_removed'] = ( (int) ( $answer['customers'] ?? 0 ) + (int) ( $answer['deliveries'] ?? 0 ) ) > 0;
				$out['messages'][]    = __( 'Loyalty points: the e-mail address was removed from the rewards service; point amounts stay in its books without it.', 'vafa' );
			} catch ( ApiException $e ) {
				$out['items_retained'] = true;
				$out['messages'][]     = __( 'Loyalty points: the rewards service could not be reached; try again.', 'vafa' );
			}
		}
		$user = get_user_by( 'email', (string) $email );
		if ( $user ) {
			global $wpdb;
			$removed = $wpdb->query( $wpdb->prepare( "DELETE FROM {$wpdb->usermeta} WHERE user_id = %d AND meta_key LIKE %s", $user->ID, $wpdb->esc_like( Settings::PREFIX ) . '%' ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery -- the plugin's own cached figures.
			wp_cache_delete( $user->ID, 'user_meta' );
			$out['items_removed'] = $out['items_removed'] || $removed > 0;
		}
		return $out;
	}
}
