<?php
/**
 * The WooCommerce webhooks that feed the service.
 *
 * @package Vafa
 */

namespace Vafa;

defined( 'ABSPATH' ) || exit;

/**
 * Creates the six webhooks once (their ids are kept, so reconnecting never
 * duplicates them), reports their health, re-enables disabled ones, removes them.
 */
final class Webhooks {
	const TOPICS = array(
		'order.created',
		'order.updated',
		'order.deleted',
		'order.restored',
		'customer.created',
		'action.woocommerce_order_refunded',
	);

	/**
	 * Creates or updates the webhooks to deliver to $url signed with $secret.
	 *
	 * @param string $url     Delivery URL.
	 * @param string $secret  Webhook secret.
	 * @param int    $user_id Shop manager the payloads are built as.
	 * @return array<string,int> Topic => webhook id.
	 */
	public static function ensure( string $url, string $secret, int $user_id ): array {
		$ids = self::ids();
		foreach ( self::TOPICS as $topic ) {
			$hook = null;
			if ( ! empty( $ids[ $topic ] ) ) {
				$existing = wc_get_webhook( (int) $ids[ $topic ] );
				if ( $existing ) {
					$hook = $existing;
				}
			}
			if ( null === $hook ) {
				$hook = new \WC_Webhook();
			}
			/* translators: %s: webhook topic such as order.updated */
			$hook->set_name( sprintf( __( 'Vafa: %s', 'vafa' ), $topic ) );
			$hook->set_user_id( $user_id );
			$hook->set_topic( $topic );
			$hook->set_delivery_url( $url );
			$hook->set_secret( $secret );
			$hook->set_api_version( 'wp_api_v3' );
			$hook->set_status( 'active' );
			$hook->set_failure_count( 0 );
			$hook->save();
			$ids[ $topic ] = $hook->get_id();
		}
		update_option( Settings::WEBHOOKS, $ids, false );
		return $ids;
	}

	/**
	 * Topic => webhook id of the webhooks this plugin made.
	 *
	 * @return array<string,int>
	 */
	public static function ids(): array {
		$ids = get_option( Settings::WEBHOOKS, array() );
		return is_array( $ids ) ? $ids : array();
	}

	/**
	 * Each webhook's status and consecutive failure count.
	 *
	 * @return array<int,array{topic:string,id:int,status:string,failures:int,exists:bool}>
	 */
	public static function health(): array {
		$out = array();
		foreach ( self::TOPICS as $topic ) {
			$id   = (int) ( self::ids()[ $topic ] ?? 0 );
			$hook = $id && function_exists( 'wc_get_webhook' ) ? wc_get_webhook( $id ) : null;
			$out[] = array(
				'topic'    => $topic,
				'id'       => $id,
				'status'   => $hook ? $hook->get_status() : 'missing',
				'failures' => $hook ? (int) $hook->get_failure_count() : 0,
				'exists'   => (bool) $hook,
			);
		}
		return $out;
	}

	/**
	 * Re-activates disabled or paused webhooks and resets their failure count
	 * (WooCommerce does not reset it on re-activation by itself).
	 *
	 * @return int How many were re-enabled.
	 */
	public static function reenable(): int {
		$n = 0;
		foreach ( self::ids() as $id ) {
			$hook = wc_get_webhook( (int) $id );
			if ( $hook && ( 'active' !== $hook->get_status() || $hook->get_failure_count() > 0 ) ) {
				$hook->set_status( 'active' );
				$hook->set_failure_count( 0 );
				$hook->save();
				++$n;
			}
		}
		return $n;
	}

	/**
	 * Deletes the webhooks this plugin made.
	 */
	public static function remove(): void {
		if ( function_exists( 'wc_get_webhook' ) ) {
			foreach ( self::ids() as $id ) {
				$hook = wc_get_webhook( (int) $id );
				if ( $hook ) {
					$hook->delete( true );
				}
			}
		}
		delete_option( Settings::WEBHOOKS );
	}

	/**
	 * Lets WooCommerce deliver webhooks to the configured service even on
	 * loopback or a private network: exactly the connection's webhook URL
	 * (scheme, host, port and path), for no other request and no other port.
	 * Every other wp_safe_remote_* call keeps WordPress's protections.
	 */
	public static function allow_service_host(): void {
		add_filter(
			'http_request_host_is_external',
			static function ( $external, $host, $url = '' ) {
				return self::is_delivery( (string) $url ) ? true : $external;
			},
			10,
			3
		);
		add_filter(
			'http_allowed_safe_ports',
			static function ( $ports, $host = '', $url = '' ) {
				if ( self::is_delivery( (string) $url ) ) {
					$port = (int) wp_parse_url( (string) $url, PHP_URL_PORT );
					if ( $port > 0 ) {
						$ports[] = $port;
					}
				}
				return $ports;
			},
			10,
			3
		);
	}

	/**
	 * Whether a request goes to this store's webhook delivery URL.
	 *
	 * @param string $url Requested URL.
	 */
	public static function is_delivery( string $url ): bool {
		$c = Settings::connection();
		if ( empty( $c['webhook_url'] ) || '' === $url ) {
			return false;
		}
		$want = wp_parse_url( $c['webhook_url'] );
		$got  = wp_parse_url( $url );
		if ( ! is_array( $want ) || ! is_array( $got ) ) {
			return false;
		}
		return Connector::origin( $url ) === Connector::origin( $c['webhook_url'] ) && ( $got['path'] ?? '' ) === ( $want['path'] ?? '' );
	}
}
