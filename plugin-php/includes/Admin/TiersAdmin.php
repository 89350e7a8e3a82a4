<?php
/**
 * The VIP tier editor on the Vafa page.
 *
 * @package Vafa
 */

namespace Vafa\Admin;

use Vafa\ApiClient;
use Vafa\ApiException;
use Vafa\Program;
use Vafa\Rewards\Codes;

defined( 'ABSPATH' ) || exit;

/**
 * Lists the tiers (the service holds them), adds tiers, retires and brings
 * them back (never deletes: the customers' history names them), and sets
 * the downgrade grace period. Every call is an admin call to the service.
 */
final class TiersAdmin {
	/**
	 * Handles one of the page's tier operations; returns the notice text.
	 *
	 * @param string $op Operation.
	 * @throws ApiException When the service refuses.
	 */
	public static function handle( string $op ): string {
		$client = ApiClient::connected();
		if ( ! $client ) {
			throw new ApiException( __( 'Connect the store first.', 'vafa' ), 'invalid' );
		}
		$user = (string) get_current_user_id();
		// phpcs:disable WordPress.Security.NonceVerification.Missing -- SettingsPage::handle checked the nonce.
		switch ( $op ) {
			case 'tier_add':
				$program = Program::get();
				$kind    = 'points' === sanitize_key( wp_unslash( $_POST['vafa_threshold_kind'] ?? '' ) ) ? 'points' : 'spend';
				$names   = array();
				foreach ( array( 'en', 'fa_IR', 'ar' ) as $locale ) {
					$name = sanitize_text_field( wp_unslash( $_POST[ 'vafa_name_' . $locale ] ?? '' ) );
					if ( '' !== $name ) {
						$names[ $locale ] = $name;
					}
				}
				$threshold = sanitize_text_field( wp_unslash( $_POST['vafa_threshold'] ?? '0' ) );
				$body      = array(
					'names'          => (object) $names,
					'threshold_kind' => $kind,
					'threshold'      => 'spend' === $kind ? Program::to_minor( $threshold, (int) ( $program['currency_exponent'] ?? 2 ) ) : absint( $threshold ),
					'window_days'    => absint( $_POST['vafa_window_days'] ?? 0 ),
					'multiplier'     => sanitize_text_field( wp_unslash( $_POST['vafa_multiplier'] ?? '1' ) ),
					'perks'          => array(
						'free_shipping'   => ! empty( $_POST['vafa_free_shipping'] ),
						'birthday_points' => absint( $_POST['vafa_birthday_points'] ?? 0 ),
					),
				);
				$client->as_user( 'POST', '/v1/admin/tiers', $user, 'admin', $body, array(), 10.0 );
				return __( 'Tier added. Customers are placed in it within a minute.', 'vafa' );
			case 'tier_toggle':
				$id     = absint( $_POST['vafa_tier_id'] ?? 0 );
				$active = ! empty( $_POST['vafa_active'] );
				$client->as_user( 'PATCH', '/v1/admin/tiers/' . $id, $user, 'admin', array( 'active' => $active ), array(), 10.0 );
				return $active ? __( 'Tier offered again.', 'vafa' ) : __( 'Tier retired; its members move to the tier they qualify for.', 'vafa' );
			case 'tier_settings':
				$client->as_user( 'PATCH', '/v1/admin/program', $user, 'admin', array( 'tier_grace_days' => min( 730, absint( $_POST['vafa_grace_days'] ?? 0 ) ) ), array(), 10.0 );
				Program::forget();
				return __( 'Tier settings saved.', 'vafa' );
		}
		// phpcs:enable
		throw new ApiException( __( 'Unknown action.', 'vafa' ), 'invalid' );
	}

	/**
	 * Prints the tiers, the add form and the grace period.
	 *
	 * @param callable $form The page's form printer: ( $op, $label, $fields, $class ).
	 */
	public static function render( callable $form ): void {
		$client = ApiClient::connected();
		if ( ! $client ) {
			return;
		}
		echo '<h2>' . esc_html__( 'VIP tiers', 'vafa' ) . '</h2>';
		try {
			$list = $client->as_user( 'GET', '/v1/admin/tiers', (string) get_current_user_id(), 'admin', null, array(), 2.0 );
		} catch ( ApiException $e ) {
			echo '<p>' . esc_html( $e->getMessage() ) . '</p>';
			return;
		}
		$program  = Program::get();
		$exponent = (int) ( $program['currency_exponent'] ?? 2 );
		echo '<table class="widefat striped vafa-tiers"><thead><tr><th>' . esc_html__( 'Name', 'vafa' ) . '</th><th>' . esc_html__( 'Reached by', 'vafa' ) . '</th><th>' . esc_html__( 'Counted over', 'vafa' ) . '</th><th>' . esc_html__( 'Points multiplier', 'vafa' ) . '</th><th>' . esc_html__( 'Free shipping', 'vafa' ) . '</th><th>' . esc_html__( 'Offered', 'vafa' ) . '</th><th></th></tr></thead><tbody>';
		foreach ( (array) ( $list['items'] ?? array() ) as $t ) {
			$reached = 'spend' === $t['threshold_kind']
				/* translators: %s: money amount */
				? sprintf( __( 'Spending %s', 'vafa' ), Codes::amount( (int) $t['threshold'], $exponent ) )
				/* translators: %d: points */
				: sprintf( __( 'Earning %d points', 'vafa' ), (int) $t['threshold'] );
			/* translators: %d: number of days */
			$window = (int) $t['window_days'] > 0 ? sprintf( __( 'the last %d days', 'vafa' ), (int) $t['window_days'] ) : __( 'all time', 'vafa' );
			echo '<tr><td>' . esc_html( (string) ( $t['names']['en'] ?? $t['name'] ) ) . '</td><td>' . esc_html( $reached ) . '</td><td>' . esc_html( $window ) . '</td><td>'
				. esc_html( (string) $t['multiplier'] ) . '×</td><td>' . ( ! empty( $t['perks']['free_shipping'] ) ? esc_html__( 'Yes', 'vafa' ) : esc_html__( 'No', 'vafa' ) ) . '</td><td>'
				. ( $t['active'] ? esc_html__( 'Yes', 'vafa' ) : esc_html__( 'No', 'vafa' ) ) . '</td><td>';
			$form( 'tier_toggle', $t['active'] ? __( 'Retire', 'vafa' ) : __( 'Offer again', 'vafa' ), '<input type="hidden" name="vafa_tier_id" value="' . esc_attr( (string) $t['id'] ) . '"><input type="hidden" name="vafa_active" value="' . ( $t['active'] ? '' : '1' ) . '">', 'button button-small' );
			echo '</td></tr>';
		}
		echo '</tbody></table>';

		echo '<h3>' . esc_html__( 'Add a tier', 'vafa' ) . '</h3><p class="description">' . esc_html__( 'A new tier ranks above the others. Orders earn with the multiplier of the tier the customer held when they were first paid.', 'vafa' ) . '</p>';
		$fields = '<p><label>' . esc_html__( 'Name (English)', 'vafa' ) . ' <input name="vafa_name_en" required></label> '
			. '<label>' . esc_html__( 'Name (Persian)', 'vafa' ) . ' <input name="vafa_name_fa_IR" dir="rtl"></label> '
			. '<label>' . esc_html__( 'Name (Arabic)', 'vafa' ) . ' <input name="vafa_name_ar" dir="rtl"></label></p>'
			. '<p><label>' . esc_html__( 'Reached by', 'vafa' ) . ' <select name="vafa_threshold_kind"><option value="spend">' . esc_html__( 'money spent', 'vafa' ) . '</option><option value="points">' . esc_html__( 'points earned', 'vafa' ) . '</option></select></label> '
			. '<label>' . esc_html__( 'Threshold', 'vafa' ) . ' <input name="vafa_threshold" inputmode="decimal" required></label> '
			. '<label>' . esc_html__( 'Counted over the last (days; 0 = all time)', 'vafa' ) . ' <input type="number" min="0" max="3660" name="vafa_window_days" value="365"></label></p>'
			. '<p><label>' . esc_html__( 'Points multiplier', 'vafa' ) . ' <input name="vafa_multiplier" value="1" inputmode="decimal" pattern="[0-9]{1,4}(\.[0-9]{1,4})?"></label> '
			. '<label><input type="checkbox" name="vafa_free_shipping" value="1"> ' . esc_html__( 'Free shipping', 'vafa' ) . '</label> '
			. '<label>' . esc_html__( 'Birthday points', 'vafa' ) . ' <input type="number" min="0" name="vafa_birthday_points" value="0"></label></p>';
		$form( 'tier_add', __( 'Add tier', 'vafa' ), $fields, 'button button-primary' );

		echo '<h3>' . esc_html__( 'Tier settings', 'vafa' ) . '</h3>';
		$fields = '<p><label>' . esc_html__( 'Days a customer keeps a tier after falling below it (0 = move down at once)', 'vafa' ) . ' <input type="number" min="0" max="730" name="vafa_grace_days" value="' . esc_attr( (string) (int) ( $program['tier_grace_days'] ?? 0 ) ) . '"></label></p>';
		$form( 'tier_settings', __( 'Save', 'vafa' ), $fields );
	}
}
