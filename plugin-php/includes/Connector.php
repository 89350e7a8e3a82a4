<?php
/**
 * Connects the store to the service with a one-time token.
 *
 * @package Vafa
 */

namespace Vafa;

defined( 'ABSPATH' ) || exit;

/**
 * Token in, connected store out: a fresh Ed25519 key pair (the private half
 * never leaves WordPress), the public half registered with the service, and
 * the webhooks created with the secret the service returns.
 */
final class Connector {
	/**
	 * Reads a connection token: "vafa1." + base64url JSON {u, s, e}.
	 *
	 * @param string $token Pasted token.
	 * @return array{u:string,s:string,e:string}
	 * @throws ApiException When the token is malformed.
	 */
	public static function parse_token( string $token ): array {
		$token = trim( $token );
		if ( 0 !== strpos( $token, 'vafa1.' ) ) {
			throw new ApiException( __( 'This is not a Vafa connection token.', 'vafa' ), 'invalid' );
		}
		$json = base64_decode( strtr( substr( $token, 6 ), '-_', '+/' ), true ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_decode -- token encoding.
		$data = false === $json ? null : json_decode( $json, true );
		if ( ! is_array( $data ) || empty( $data['u'] ) || empty( $data['s'] ) || empty( $data['e'] )
			|| ! wp_http_validate_url( $data['u'] ) && ! preg_match( '#^https?://#', (string) $data['u'] ) ) {
			throw new ApiException( __( 'The connection token is damaged. Copy it again.', 'vafa' ), 'invalid' );
		}
		return array(
			'u' => (string) $data['u'],
			's' => (string) $data['s'],
			'e' => (string) $data['e'],
		);
	}

	/**
	 * The scheme, host and port of a URL, lower-cased ("https://svc.example:443").
	 *
	 * @param string $url URL.
	 */
	public static function origin( string $url ): string {
		$parts  = wp_parse_url( $url );
		$scheme = strtolower( (string) ( $parts['scheme'] ?? '' ) );
		$port   = (int) ( $parts['port'] ?? ( 'https' === $scheme ? 443 : 80 ) );
		return $scheme . '://' . strtolower( (string) ( $parts['host'] ?? '' ) ) . ':' . $port;
	}

	/**
	 * Checks the service address from a token before anything is sent to it:
	 * https, unless the site allows an insecure development service.
	 *
	 * @param string $url Service base URL from the token.
	 * @throws ApiException When the address is not acceptable.
	 */
	public static function check_service_url( string $url ): void {
		$scheme = strtolower( (string) wp_parse_url( $url, PHP_URL_SCHEME ) );
		if ( 'https' !== $scheme && ! Settings::allow_insecure_service() ) {
			throw new ApiException( __( 'The service in this token does not use https. Connect to an https address (a development service over http needs VAFA_ALLOW_INSECURE_SERVICE).', 'vafa' ), 'invalid' );
		}
	}

	/**
	 * Connects: registers a new public key and creates the webhooks. The
	 * token's address is not trusted yet: it is fetched with
	 * wp_safe_remote_request (no internal addresses or odd ports unless the
	 * site allows a development service), the answer must come from a Vafa
	 * service whose webhook URL has the same origin, and failures are
	 * reported without the remote's words, so Connect cannot probe a network.
	 *
	 * @param string $token   Connection token.
	 * @param int    $user_id The connecting admin (webhook payloads are built as this user).
	 * @return array<string,string> The saved connection.
	 * @throws ApiException When the service refuses or cannot be reached.
	 */
	public static function connect( string $token, int $user_id ): array {
		$parsed = self::parse_token( $token );
		self::check_service_url( $parsed['u'] );
		$pair   = sodium_crypto_sign_keypair();
		$secret = sodium_crypto_sign_secretkey( $pair );
		$public = sodium_crypto_sign_publickey( $pair );
		$client = new ApiClient( $parsed['u'], 15.0, true );
		$allow  = self::allow_development_host( $parsed['u'] );
		try {
			$answer = $client->request(
				'POST',
				'/v1/connect',
				array(
					'token'      => trim( $token ),
					'public_key' => base64_encode( $public ), // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode -- key encoding.
					'site_url'   => home_url( '/' ),
				)
			);
		} catch ( ApiException $e ) {
			// Only a Vafa service's own error (code and message) is shown;
			// anything else says nothing of what is at that address.
			if ( $e->status >= 400 && $e->status < 500 && in_array( $e->error_code, array( 'invalid', 'unauthorized', 'conflict', 'not_found', 'rate_limited' ), true ) ) {
				throw $e;
			}
			throw new ApiException( __( 'Could not connect to a Vafa service with this token. Check the token and that the service is running.', 'vafa' ), 'unreachable' );
		} finally {
			$allow();
		}
		foreach ( array( 'store_id', 'kid', 'webhook_secret', 'webhook_url' ) as $field ) {
			if ( empty( $answer[ $field ] ) || ! is_string( $answer[ $field ] ) ) {
				throw new ApiException( __( 'Could not connect to a Vafa service with this token. Check the token and that the service is running.', 'vafa' ), 'bad_json' );
			}
		}
		if ( self::origin( $answer['webhook_url'] ) !== self::origin( $parsed['u'] ) ) {
			throw new ApiException( __( 'The service asked for webhooks to be sent to another address. Nothing was changed.', 'vafa' ), 'invalid' );
		}
		$connection = array(
			'service_url'  => untrailingslashit( $parsed['u'] ),
			'store_id'     => $answer['store_id'],
			'kid'          => $answer['kid'],
			'webhook_url'  => $answer['webhook_url'],
			'connected_at' => gmdate( 'c' ),
			'user_id'      => (string) $user_id,
		);
		Settings::save_connection( $connection, $secret );
		sodium_memzero( $secret );
		if ( class_exists( 'WC_Webhook' ) ) {
			Webhooks::ensure( $answer['webhook_url'], $answer['webhook_secret'], $user_id );
		}
		update_option(
			Settings::STATUS,
			array(
				'ok'      => true,
				'message' => '',
				'at'      => time(),
			),
			false
		);
		do_action( 'vafa_connected', $connection['store_id'] );
		return $connection;
	}

	/**
	 * For a development service on loopback or a private address (allowed
	 * only by VAFA_ALLOW_INSECURE_SERVICE), lets wp_safe_remote_request reach
	 * exactly its host and port for the connect call. Returns the undo.
	 *
	 * @param string $url Service base URL.
	 * @return callable Removes the allowance.
	 */
	private static function allow_development_host( string $url ): callable {
		if ( ! Settings::allow_insecure_service() ) {
			return static function () {};
		}
		$origin   = self::origin( $url );
		$external = static function ( $is_external, $host, $target = '' ) use ( $origin ) {
			return self::origin( (string) $target ) === $origin ? true : $is_external;
		};
		$ports    = static function ( $allowed, $host = '', $target = '' ) use ( $origin ) {
			if ( self::origin( (string) $target ) === $origin ) {
				$allowed[] = (int) wp_parse_url( $target, PHP_URL_PORT );
			}
			return $allowed;
		};
		add_filter( 'http_request_host_is_external', $external, 10, 3 );
		add_filter( 'http_allowed_safe_ports', $ports, 10, 3 );
		return static function () use ( $external, $ports ) {
			remove_filter( 'http_request_host_is_external', $external, 10 );
			remove_filter( 'http_allowed_safe_ports', $ports, 10 );
		};
	}

	/**
	 * Revokes this site's key at the service (best effort: a service that
	 * cannot be reached is told nothing, and the key is forgotten anyway).
	 * A copy of the key must not keep minting tokens after a disconnect.
	 *
	 * @return bool Whether the service confirmed.
	 */
	public static function revoke_own_key(): bool {
		$client = ApiClient::connected();
		$c      = Settings::connection();
		if ( ! $client || empty( $c['kid'] ) ) {
			return false;
		}
		try {
			$client->as_user( 'DELETE', '/v1/admin/keys/' . rawurlencode( $c['kid'] ), (string) ( $c['user_id'] ?? '0' ), 'admin', null, array(), 5.0 );
			return true;
		} catch ( ApiException $e ) {
			return false;
		}
	}

	/**
	 * Rotates the key pair: a new key is registered (signed with the current
	 * one), used from now on, and the old one is revoked (signed with the new
	 * one). Both work during the switch, so no shopper sees an error.
	 *
	 * @param int $user_id The admin asking.
	 * @return string The new key id.
	 * @throws ApiException When the service refuses or cannot be reached.
	 */
	public static function rotate( int $user_id ): string {
		$client = ApiClient::connected();
		if ( ! $client ) {
			throw new ApiException( __( 'Connect the store first.', 'vafa' ), 'invalid' );
		}
		$old    = Settings::connection()['kid'];
		$pair   = sodium_crypto_sign_keypair();
		$secret = sodium_crypto_sign_secretkey( $pair );
		$public = sodium_crypto_sign_publickey( $pair );
		$answer = $client->as_user( 'POST', '/v1/admin/keys', (string) $user_id, 'admin', array( 'public_key' => base64_encode( $public ) ), array(), 10.0 ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode -- key encoding.
		if ( empty( $answer['kid'] ) || ! is_string( $answer['kid'] ) ) {
			throw new ApiException( __( 'The rewards service sent an incomplete answer.', 'vafa' ), 'bad_json' );
		}
		Settings::replace_key( $answer['kid'], $secret );
		sodium_memzero( $secret );
		$client->as_user( 'DELETE', '/v1/admin/keys/' . rawurlencode( $old ), (string) $user_id, 'admin', null, array(), 10.0 );
		return $answer['kid'];
	}

	/**
	 * Disconnects: revokes the key at the service, removes the webhooks and
	 * forgets the key.
	 */
	public static function disconnect(): void {
		self::revoke_own_key();
		Webhooks::remove();
		Settings::forget();
		do_action( 'vafa_disconnected' );
	}
}
