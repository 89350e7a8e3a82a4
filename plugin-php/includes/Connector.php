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
	 * Connects: registers a new public key and creates the webhooks.
	 *
	 * @param string $token   Connection token.
	 * @param int    $user_id The connecting admin (webhook payloads are built as this user).
	 * @return array<string,string> The saved connection.
	 * @throws ApiException When the service refuses or cannot be reached.
	 */
	public static function connect( string $token, int $user_id ): array {
		$parsed  = self::parse_token( $token );
		$pair    = sodium_crypto_sign_keypair();
		$secret  = sodium_crypto_sign_secretkey( $pair );
		$public  = sodium_crypto_sign_publickey( $pair );
		$client  = new ApiClient( $parsed['u'], 15.0 );
		$answer  = $client->request(
			'POST',
			'/v1/connect',
			array(
				'token'      => trim( $token ),
				'public_key' => base64_encode( $public ), // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode -- key encoding.
				'site_url'   => home_url( '/' ),
			)
		);
		foreach ( array( 'store_id', 'kid', 'webhook_secret', 'webhook_url' ) as $field ) {
			if ( empty( $answer[ $field ] ) || ! is_string( $answer[ $field ] ) ) {
				throw new ApiException( __( 'The rewards service sent an incomplete answer.', 'vafa' ), 'bad_json' );
			}
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
		return $connection;
	}

	/**
	 * Disconnects: removes the webhooks and forgets the key.
	 */
	public static function disconnect(): void {
		Webhooks::remove();
		Settings::forget();
	}
}
