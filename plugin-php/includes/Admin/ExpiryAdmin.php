<?php
/**
 * Points expiry settings on the Vafa page.
 *
 * @package Vafa
 */

namespace Vafa\Admin;

use Vafa\ApiClient;
use Vafa\ApiException;
use Vafa\Program;

defined( 'ABSPATH' ) || exit;

/**
 * Sets when points lapse (months after earning, or after months without
 * activity) and the store's time zone, which the service keeps: expiry
 * happens at midnight there.
 */
final class ExpiryAdmin {
	/**
	 * Saves the expiry settings; returns the notice text.
	 *
	 * @throws ApiException When the service refuses.
	 */
	public static function handle(): string {
		$client = ApiClient::connected();
		if ( ! $client ) {
			throw new ApiException( __( 'Connect the store first.', 'vafa' ), 'invalid' );
		}
		// phpcs:disable WordPress.Security.NonceVerification.Missing -- SettingsPage::handle checked the nonce.
		$zone = sanitize_text_field( wp_unslash( $_POST['vafa_time_zone'] ?? '' ) );
		$body = array(
			'expire_months'          => min( 120, absint( $_POST['vafa_expire_months'] ?? 0 ) ),
			'expire_inactive_months' => min( 120, absint( $_POST['vafa_expire_inactive'] ?? 0 ) ),
			'time_zone'              => in_array( $zone, timezone_identifiers_list(), true ) ? $zone : '',
		);
		// phpcs:enable
		$client->as_user( 'PATCH', '/v1/admin/program', (string) get_current_user_id(), 'admin', $body, array(), 10.0 );
		Program::forget();
		return __( 'Expiry settings saved.', 'vafa' );
	}

	/**
	 * Prints the expiry form.
	 *
	 * @param callable $form The page's form printer: ( $op, $label, $fields, $class ).
	 */
	public static function render( callable $form ): void {
		if ( ! ApiClient::connected() ) {
			return;
		}
		$program = Program::get();
		$zone    = (string) ( $program['time_zone'] ?? '' );
		if ( '' === $zone ) {
			// Suggest the site's own zone when it is a named one (not "UTC+3:30").
			$site = function_exists( 'wp_timezone_string' ) ? wp_timezone_string() : '';
			$zone = in_array( $site, timezone_identifiers_list(), true ) ? $site : 'UTC';
		}
		echo '<h2>' . esc_html__( 'Points expiry', 'vafa' ) . '</h2>';
		$fields = '<p><label>' . esc_html__( 'Points expire this many months after they were earned, oldest first (0 = never)', 'vafa' ) . ' <input type="number" min="0" max="120" name="vafa_expire_months" value="' . esc_attr( (string) (int) ( $program['expire_months'] ?? 0 ) ) . '"></label></p>'
			. '<p><label>' . esc_html__( 'All points expire after this many months without activity (0 = never)', 'vafa' ) . ' <input type="number" min="0" max="120" name="vafa_expire_inactive" value="' . esc_attr( (string) (int) ( $program['expire_inactive_months'] ?? 0 ) ) . '"></label></p>'
			. '<p><label>' . esc_html__( 'Time zone (points expire at midnight there)', 'vafa' ) . ' <input name="vafa_time_zone" list="vafa-zones" value="' . esc_attr( $zone ) . '"></label><datalist id="vafa-zones">';
		foreach ( timezone_identifiers_list() as $z ) {
			$fields .= '<option value="' . esc_attr( $z ) . '">';
		}
		$fields .= '</datalist></p>';
		$form( 'expiry_settings', __( 'Save', 'vafa' ), $fields );
	}
}
